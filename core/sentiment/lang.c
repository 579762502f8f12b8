/*
 * Cheap language guess: stop-word hits per language, French accents, and
 * the share of non-Latin letters, gathered by the tokeniser from the words
 * it lower-cases anyway (es_scratch_t.ev), so the guess costs no pass of
 * its own over the text. A tweet has few words, so the profiles
 * are the most frequent function words plus the social words that are
 * unambiguous ("mdr", "lol"); words shared by several languages ("on",
 * "me", "a", "de") are left out.
 */
#include <string.h>

#include "internal.h"

/* Stop words of the three profiles with their mask (1 en, 2 fr, 4 other:
 * Spanish, German, Italian, Portuguese, Dutch: enough to say "other"
 * instead of scoring them with the English lexicon), lower case, UTF-8.
 * es__lang_stops_load() puts them in the English function-word table, where
 * the tokeniser finds each token's votes with the look-up it makes anyway. */
typedef struct es_stop {
    const char *word;
    uint8_t mask;
} es_stop_t;

static const es_stop_t es__stops[] = {
    {"about", 1}, {"after", 1}, {"all", 1}, {"also", 1}, {"am", 1}, {"and", 1}, {"are", 1},
    {"be", 1}, {"because", 1}, {"been", 1}, {"but", 1}, {"by", 1}, {"can", 1}, {"could", 1},
    {"did", 1}, {"do", 1}, {"does", 1}, {"don't", 1}, {"for", 1}, {"from", 1}, {"get", 1},
    {"got", 1}, {"had", 1}, {"has", 1}, {"have", 1}, {"he", 1}, {"her", 1}, {"his", 1}, {"how", 1},
    {"i'm", 1}, {"if", 1}, {"is", 1}, {"it", 1}, {"it's", 1}, {"just", 1}, {"lol", 1}, {"my", 1},
    {"not", 1}, {"of", 1}, {"our", 1}, {"really", 1}, {"she", 1}, {"should", 1}, {"so", 1},
    {"that", 1}, {"the", 1}, {"their", 1}, {"them", 1}, {"there", 1}, {"they", 1}, {"this", 1},
    {"to", 1}, {"today", 1}, {"very", 1}, {"was", 1}, {"we", 1}, {"were", 1}, {"what", 1},
    {"when", 1}, {"where", 1}, {"which", 1}, {"who", 1}, {"why", 1}, {"will", 1}, {"with", 1},
    {"would", 1}, {"you", 1}, {"your", 1},
    {"au", 2}, {"aux", 2}, {"avec", 2}, {"bien", 2}, {"c'est", 2}, {"ce", 2}, {"ces", 2},
    {"cette", 2}, {"comme", 2}, {"dans", 2}, {"des", 2}, {"du", 2}, {"elle", 2}, {"est", 2},
    {"et", 2}, {"génial", 2}, {"il", 2}, {"ils", 2}, {"j'ai", 2}, {"je", 2}, {"la", 2},
    {"le", 2}, {"les", 2}, {"leur", 2}, {"mais", 2}, {"mdr", 2}, {"merci", 2}, {"mes", 2},
    {"moi", 2}, {"mon", 2}, {"nous", 2}, {"où", 2}, {"par", 2}, {"pas", 2}, {"pour", 2},
    {"ptdr", 2}, {"qu'il", 2}, {"que", 2}, {"qui", 2}, {"sont", 2}, {"sur", 2}, {"ta", 2},
    {"toujours", 2}, {"tout", 2}, {"trop", 2}, {"très", 2}, {"tu", 2}, {"un", 2},
    {"une", 2}, {"vous", 2}, {"vraiment", 2}, {"ça", 2}, {"était", 2},
    {"être", 2},
    {"aber", 4}, {"auf", 4}, {"bueno", 4}, {"che", 4}, {"com", 4}, {"con", 4}, {"das", 4},
    {"dat", 4}, {"del", 4}, {"der", 4}, {"die", 4}, {"een", 4}, {"ein", 4}, {"eine", 4}, {"el", 4},
    {"esta", 4}, {"está", 4}, {"het", 4}, {"ich", 4}, {"ist", 4}, {"los", 4}, {"mit", 4},
    {"muito", 4}, {"muy", 4}, {"nicht", 4}, {"niet", 4}, {"não", 4}, {"och", 4},
    {"para", 4}, {"pero", 4}, {"por", 4}, {"sehr", 4}, {"sono", 4}, {"una", 4}, {"und", 4},
    {"uno", 4}, {"van", 4}, {"você", 4}, {"wir", 4}, {"zijn", 4},
    {"néanmoins", 2},
};

int es__lang_stops_load(es_lex_t *t)
{
    for (size_t i = 0; i < sizeof es__stops / sizeof es__stops[0]; i++)
        if (es__lex_put_stop(t, es__stops[i].word, strlen(es__stops[i].word), es__stops[i].mask) < 0)
            return ES_ENOMEM;
    return 0;
}

void es__lang_ev_letter(es_lang_ev_t *ev, uint32_t cp)
{
    if (cp < 0x250)
        ev->latin++;
    else
        ev->foreign++;
    if (cp >= 0xE0 && cp <= 0xFF && cp != 0xF1 && cp != 0xE3 && cp != 0xF5 && cp != 0xE4 && cp != 0xF6 &&
        cp != 0xFC && cp != 0xDF)
        ev->fr2++; /* é è ê à ç ù ...: not ñ ã õ ä ö ü ß */
}

int es__lang_decide(const es_lang_ev_t *ev)
{
    if (ev->latin == 0 && ev->foreign == 0)
        return ES_LANG_OTHER;
    if (ev->foreign > ev->latin)
        return ES_LANG_OTHER;
    unsigned en2 = ev->en * 2, other2 = ev->other * 2;
    if (ev->fr2 > en2 && ev->fr2 >= other2)
        return ES_LANG_FR;
    if (ev->other > ev->en && other2 > ev->fr2)
        return ES_LANG_OTHER;
    return ES_LANG_EN;
}
