/*
 * Cheap language guess: stop-word hits per language, French accents, and
 * the share of non-Latin letters. A tweet has few words, so the profiles
 * are the most frequent function words plus the social words that are
 * unambiguous ("mdr", "lol"); words shared by several languages ("on",
 * "me", "a", "de") are left out.
 */
#include <string.h>

#include "internal.h"

/* Spanish, German, Italian, Portuguese, Dutch: enough to say "other"
 * instead of scoring them with the English lexicon. */
/* Stop words of the three profiles, one sorted table with a mask per word
 * (1 en, 2 fr, 4 other: Spanish, German, Italian, Portuguese, Dutch),
 * indexed by first byte so that a look-up compares a handful of entries.
 * Generated from the word lists in git history; keep it sorted by bytes. */
typedef struct es_stop {
    const char *w;
    uint8_t len;
    uint8_t mask;
} es_stop_t;

#define ES_STOP_MAXLEN 10

static const es_stop_t es_stops[] = {
    {"aber", 4, 4}, /* aber */
    {"about", 5, 1}, /* about */
    {"after", 5, 1}, /* after */
    {"all", 3, 1}, /* all */
    {"also", 4, 1}, /* also */
    {"am", 2, 1}, /* am */
    {"and", 3, 1}, /* and */
    {"are", 3, 1}, /* are */
    {"au", 2, 2}, /* au */
    {"auf", 3, 4}, /* auf */
    {"aux", 3, 2}, /* aux */
    {"avec", 4, 2}, /* avec */
    {"be", 2, 1}, /* be */
    {"because", 7, 1}, /* because */
    {"been", 4, 1}, /* been */
    {"bien", 4, 2}, /* bien */
    {"bueno", 5, 4}, /* bueno */
    {"but", 3, 1}, /* but */
    {"by", 2, 1}, /* by */
    {"c'est", 5, 2}, /* c'est */
    {"can", 3, 1}, /* can */
    {"ce", 2, 2}, /* ce */
    {"ces", 3, 2}, /* ces */
    {"cette", 5, 2}, /* cette */
    {"che", 3, 4}, /* che */
    {"com", 3, 4}, /* com */
    {"comme", 5, 2}, /* comme */
    {"con", 3, 4}, /* con */
    {"could", 5, 1}, /* could */
    {"dans", 4, 2}, /* dans */
    {"das", 3, 4}, /* das */
    {"dat", 3, 4}, /* dat */
    {"del", 3, 4}, /* del */
    {"der", 3, 4}, /* der */
    {"des", 3, 2}, /* des */
    {"did", 3, 1}, /* did */
    {"die", 3, 4}, /* die */
    {"do", 2, 1}, /* do */
    {"does", 4, 1}, /* does */
    {"don't", 5, 1}, /* don't */
    {"du", 2, 2}, /* du */
    {"een", 3, 4}, /* een */
    {"ein", 3, 4}, /* ein */
    {"eine", 4, 4}, /* eine */
    {"el", 2, 4}, /* el */
    {"elle", 4, 2}, /* elle */
    {"est", 3, 2}, /* est */
    {"esta", 4, 4}, /* esta */
    {"est\xC3\xA1", 5, 4}, /* está */
    {"et", 2, 2}, /* et */
    {"for", 3, 1}, /* for */
    {"from", 4, 1}, /* from */
    {"get", 3, 1}, /* get */
    {"got", 3, 1}, /* got */
    {"g\xC3\xA9nial", 7, 2}, /* génial */
    {"had", 3, 1}, /* had */
    {"has", 3, 1}, /* has */
    {"have", 4, 1}, /* have */
    {"he", 2, 1}, /* he */
    {"her", 3, 1}, /* her */
    {"het", 3, 4}, /* het */
    {"his", 3, 1}, /* his */
    {"how", 3, 1}, /* how */
    {"i'm", 3, 1}, /* i'm */
    {"ich", 3, 4}, /* ich */
    {"if", 2, 1}, /* if */
    {"il", 2, 2}, /* il */
    {"ils", 3, 2}, /* ils */
    {"is", 2, 1}, /* is */
    {"ist", 3, 4}, /* ist */
    {"it", 2, 1}, /* it */
    {"it's", 4, 1}, /* it's */
    {"j'ai", 4, 2}, /* j'ai */
    {"je", 2, 2}, /* je */
    {"just", 4, 1}, /* just */
    {"la", 2, 2}, /* la */
    {"le", 2, 2}, /* le */
    {"les", 3, 2}, /* les */
    {"leur", 4, 2}, /* leur */
    {"lol", 3, 1}, /* lol */
    {"los", 3, 4}, /* los */
    {"mais", 4, 2}, /* mais */
    {"mdr", 3, 2}, /* mdr */
    {"merci", 5, 2}, /* merci */
    {"mes", 3, 2}, /* mes */
    {"mit", 3, 4}, /* mit */
    {"moi", 3, 2}, /* moi */
    {"mon", 3, 2}, /* mon */
    {"muito", 5, 4}, /* muito */
    {"muy", 3, 4}, /* muy */
    {"my", 2, 1}, /* my */
    {"nicht", 5, 4}, /* nicht */
    {"niet", 4, 4}, /* niet */
    {"not", 3, 1}, /* not */
    {"nous", 4, 2}, /* nous */
    {"n\xC3\xA3o", 4, 4}, /* não */
    {"n\xC3\xA9" "anmoins", 10, 2}, /* néanmoins */
    {"och", 3, 4}, /* och */
    {"of", 2, 1}, /* of */
    {"our", 3, 1}, /* our */
    {"o\xC3\xB9", 3, 2}, /* où */
    {"par", 3, 2}, /* par */
    {"para", 4, 4}, /* para */
    {"pas", 3, 2}, /* pas */
    {"pero", 4, 4}, /* pero */
    {"por", 3, 4}, /* por */
    {"pour", 4, 2}, /* pour */
    {"ptdr", 4, 2}, /* ptdr */
    {"qu'il", 5, 2}, /* qu'il */
    {"que", 3, 2}, /* que */
    {"qui", 3, 2}, /* qui */
    {"really", 6, 1}, /* really */
    {"sehr", 4, 4}, /* sehr */
    {"she", 3, 1}, /* she */
    {"should", 6, 1}, /* should */
    {"so", 2, 1}, /* so */
    {"sono", 4, 4}, /* sono */
    {"sont", 4, 2}, /* sont */
    {"sur", 3, 2}, /* sur */
    {"ta", 2, 2}, /* ta */
    {"that", 4, 1}, /* that */
    {"the", 3, 1}, /* the */
    {"their", 5, 1}, /* their */
    {"them", 4, 1}, /* them */
    {"there", 5, 1}, /* there */
    {"they", 4, 1}, /* they */
    {"this", 4, 1}, /* this */
    {"to", 2, 1}, /* to */
    {"today", 5, 1}, /* today */
    {"toujours", 8, 2}, /* toujours */
    {"tout", 4, 2}, /* tout */
    {"trop", 4, 2}, /* trop */
    {"tr\xC3\xA8s", 5, 2}, /* très */
    {"tu", 2, 2}, /* tu */
    {"un", 2, 2}, /* un */
    {"una", 3, 4}, /* una */
    {"und", 3, 4}, /* und */
    {"une", 3, 2}, /* une */
    {"uno", 3, 4}, /* uno */
    {"van", 3, 4}, /* van */
    {"very", 4, 1}, /* very */
    {"voc\xC3\xAA", 5, 4}, /* você */
    {"vous", 4, 2}, /* vous */
    {"vraiment", 8, 2}, /* vraiment */
    {"was", 3, 1}, /* was */
    {"we", 2, 1}, /* we */
    {"were", 4, 1}, /* were */
    {"what", 4, 1}, /* what */
    {"when", 4, 1}, /* when */
    {"where", 5, 1}, /* where */
    {"which", 5, 1}, /* which */
    {"who", 3, 1}, /* who */
    {"why", 3, 1}, /* why */
    {"will", 4, 1}, /* will */
    {"wir", 3, 4}, /* wir */
    {"with", 4, 1}, /* with */
    {"would", 5, 1}, /* would */
    {"you", 3, 1}, /* you */
    {"your", 4, 1}, /* your */
    {"zijn", 4, 4}, /* zijn */
    {"\xC3\xA7" "a", 3, 2}, /* ça */
    {"\xC3\xA9tait", 6, 2}, /* était */
    {"\xC3\xAAtre", 5, 2}, /* être */
};

static const uint16_t es_stop_first[257] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 19, 29, 41, 50, 52, 55, 63, 72, 75, 75, 81, 91, 97, 101, 108, 111, 112, 119, 134, 139, 144, 157, 157, 159, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 160, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163, 163
};
static unsigned es_stop_mask(const char *w, size_t n)
{
    if (n > ES_STOP_MAXLEN)
        return 0;
    unsigned c = (unsigned char)w[0];
    for (unsigned i = es_stop_first[c]; i < es_stop_first[c + 1]; i++)
        if (es_stops[i].len == n && memcmp(es_stops[i].w, w, n) == 0)
            return es_stops[i].mask;
    return 0;
}

const char *es_lang_detect(const char *text, size_t len)
{
    if (!text)
        return "other";
    double en = 0, fr = 0, other = 0;
    size_t latin = 0, foreign = 0;
    char w[32];
    size_t wn = 0;
    int skip = 0, too_long = 0;
    /* One pass: letters (and apostrophes inside words) accumulate into w,
     * anything else ends the word. URLs and @handles are skipped whole. */
    for (size_t i = 0; i <= len;) {
        size_t l = 1;
        uint32_t cp = i < len ? es_utf8_decode((const unsigned char *)text + i, len - i, &l) : ' ';
        if (cp == 0x2019)
            cp = '\'';
        if (es_cp_is_space(cp)) {
            skip = 0;
        } else if (skip) {
            i += l;
            continue;
        } else if (wn == 0 && (cp == '@' || (cp == 'h' && len - i >= 7 &&
                                            memcmp(text + i, "http", 4) == 0))) {
            skip = 1;
            i += l;
            continue;
        }
        int letter = es_cp_is_letter(cp) || (cp == '\'' && wn > 0);
        if (letter) {
            if (cp < 0x250)
                latin++;
            else
                foreign++;
            if (cp >= 0xE0 && cp <= 0xFF && cp != 0xF1 && cp != 0xE3 && cp != 0xF5 && cp != 0xE4 &&
                cp != 0xF6 && cp != 0xFC && cp != 0xDF)
                fr += 0.5; /* é è ê à ç ù ...: not ñ ã õ ä ö ü ß */
            if (cp < 0x80) {
                if (wn + 1 < sizeof w)
                    w[wn++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
                else
                    too_long = 1;
            } else {
                char tmp[4];
                size_t el = es_utf8_encode(es_cp_lower(cp), tmp);
                if (wn + el < sizeof w)
                    memcpy(w + wn, tmp, el), wn += el;
                else
                    too_long = 1;
            }
        } else if (wn) {
            if (!too_long) {
                unsigned m = es_stop_mask(w, wn);
                en += m & 1;
                fr += (m >> 1) & 1;
                other += (m >> 2) & 1;
            }
            wn = 0;
            too_long = 0;
        }
        i += l;
    }
    if (latin == 0 && foreign == 0)
        return "other";
    if (foreign > latin)
        return "other";
    if (fr > en && fr >= other)
        return "fr";
    if (other > en && other > fr)
        return "other";
    return "en";
}
