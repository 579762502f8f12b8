/* The sentiment tokeniser, language guess and scorer (core/sentiment/).
 * The first byte picks the language hint; the scorer is loaded once from
 * EARSHOT_LEXICON_DIR, else the source tree's contrib/lexicons. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sentiment/scorer.h"

#ifndef FUZZ_LEXICON_DIR
#define FUZZ_LEXICON_DIR "contrib/lexicons"
#endif

static es_scorer_t *scorer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("EARSHOT_LEXICON_DIR");
    es_scorer_opts_t o = {.lexicon_dir = dir && dir[0] ? dir : FUZZ_LEXICON_DIR};
    char err[512];
    if (es__scorer_load(&scorer, &o, err, sizeof err) < 0) {
        fprintf(stderr, "fuzz sentiment: cannot load lexicons from %s: %s\n", o.lexicon_dir, err);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const hints[] = {NULL, "", "en", "fr", "fr_CA", "de"};
    const char *hint = hints[data[0] % (sizeof hints / sizeof hints[0])];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    es_sentiment_t s;
    char lang[8];
    if (es__scorer_score(scorer, text, len, hint, &s, lang) == 0) {
        if (!(s.compound >= -1.0 && s.compound <= 1.0))
            abort(); /* also catches NaN */
        if (!(s.pos >= 0 && s.neu >= 0 && s.neg >= 0))
            abort();
        if (!s.label || (strcmp(lang, "en") && strcmp(lang, "fr") && strcmp(lang, "other")))
            abort();
    }
    return 0;
}
