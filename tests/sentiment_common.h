/*
 * Shared by the sentiment tests: loads the scorer from the lexicon directory
 * the build points at (EARSHOT_LEXICON_DIR, else ES_LEXICON_DIR, else
 * contrib/lexicons relative to the source tree).
 */
#ifndef EARSHOT_TESTS_SENTIMENT_COMMON_H
#define EARSHOT_TESTS_SENTIMENT_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sentiment/scorer.h"
#include "tap.h"

/* The source tree, for data found relative to it; the build passes it. */
#ifndef ES_TEST_SRCDIR
#define ES_TEST_SRCDIR "."
#endif

#ifndef ES_LEXICON_DIR
#define ES_LEXICON_DIR "contrib/lexicons"
#endif

static inline const char *es_test_lexdir(void)
{
    const char *d = getenv("EARSHOT_LEXICON_DIR");
    return d && d[0] ? d : ES_LEXICON_DIR;
}

/* rules_only: the rule layer alone (labels from compound), for the tests
 * of the rules and lexicons; else the models too, as the daemon runs. */
static inline es_scorer_t *es_test_scorer_with(const char *extra, int rules_only)
{
    es_scorer_opts_t o = {.lexicon_dir = es_test_lexdir(), .extra_lexicon = extra,
                          .rules_only = rules_only};
    es_scorer_t *s = NULL;
    char err[512];
    int rc = es__scorer_load(&s, &o, err, sizeof err);
    if (rc < 0) {
        printf("Bail out! cannot load lexicons: %s (%d)\n", err, rc);
        exit(1);
    }
    return s;
}

static inline es_scorer_t *es_test_scorer(const char *extra)
{
    return es_test_scorer_with(extra, 0);
}

static inline es_scorer_t *es_test_rules_scorer(const char *extra)
{
    return es_test_scorer_with(extra, 1);
}

static inline es_sentiment_t es_test_score(const es_scorer_t *s, const char *text,
                                           const char *lang, char lang_out[8])
{
    es_sentiment_t r;
    char l[8];
    es__scorer_score(s, text, strlen(text), lang, &r, lang_out ? lang_out : l);
    return r;
}

#endif
