/*
 * Cheap language guess: stop-word hits per language, French accents, and
 * the share of non-Latin letters. A tweet has few words, so the profiles
 * are the most frequent function words plus the social words that are
 * unambiguous ("mdr", "lol"); words shared by several languages ("on",
 * "me", "a", "de") are left out. Each list is sorted for bsearch.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const es_stop_en[] = {
    "about", "after", "all", "also", "am", "and", "are", "be", "because", "been", "but",
    "by", "can", "could", "did", "do", "does", "don't", "for", "from", "get", "got", "had",
    "has", "have", "he", "her", "his", "how", "i'm", "if", "is", "it", "it's", "just",
    "lol", "my", "not", "of", "our", "really", "she", "should", "so", "that", "the",
    "their", "them", "there", "they", "this", "to", "today", "very", "was", "we", "were",
    "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
};

static const char *const es_stop_fr[] = {
    "au", "aux", "avec", "bien", "c'est", "ce", "ces", "cette", "comme", "dans", "des",
    "du", "elle", "est", "et", "génial", "il", "ils", "j'ai", "je", "la", "le", "les",
    "leur", "mais", "mdr", "merci", "mes", "moi", "mon", "nous", "néanmoins", "où", "par",
    "pas", "pour", "ptdr", "qu'il", "que", "qui", "sont", "sur", "ta", "toujours", "tout",
    "trop", "très", "tu", "un", "une", "vous", "vraiment", "ça", "était", "être",
};

/* Spanish, German, Italian, Portuguese, Dutch: enough to say "other"
 * instead of scoring them with the English lexicon. */
static const char *const es_stop_other[] = {
    "aber", "auf", "bueno", "che", "com", "con", "das", "dat", "del", "der", "die", "een",
    "ein", "eine", "el", "esta", "está", "het", "ich", "ist", "los", "mit", "muito", "muy",
    "nicht", "niet", "não", "och", "para", "pero", "por", "sehr", "sono", "una", "und",
    "uno", "van", "você", "wir", "zijn",
};

static int es_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int es_in(const char *const *list, size_t n, const char *w)
{
    return bsearch(&w, list, n, sizeof *list, es_cmp) != NULL;
}

#define ES_IN(list, w) es_in(list, sizeof list / sizeof list[0], w)

const char *es_lang_detect(const char *text, size_t len)
{
    if (!text)
        return "other";
    double en = 0, fr = 0, other = 0;
    size_t latin = 0, foreign = 0, words = 0;
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
            char tmp[4];
            size_t el = es_utf8_encode(es_cp_lower(cp), tmp);
            if (wn + el < sizeof w)
                memcpy(w + wn, tmp, el), wn += el;
            else
                too_long = 1;
        } else if (wn) {
            w[wn] = '\0';
            if (!too_long) {
                words++;
                en += ES_IN(es_stop_en, w);
                fr += ES_IN(es_stop_fr, w);
                other += ES_IN(es_stop_other, w);
            }
            wn = 0;
            too_long = 0;
        }
        i += l;
    }
    (void)words;
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
