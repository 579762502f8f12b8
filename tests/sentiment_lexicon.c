/*
 * Loading: required files, the admin extra file (overrides, per-language
 * third column, emoji keys, bad lines reported as file:line), memory. The
 * rule layer alone (rules_only); model files are tests/sentiment_model's.
 */
#include <unistd.h>

#include "sentiment_common.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

int main(void)
{
    char dir[] = "/tmp/es_lex_test_XXXXXX";
    if (!mkdtemp(dir))
        skip_all("cannot create a temporary directory");
    char extra[256], bad[256];
    snprintf(extra, sizeof extra, "%s/extra.tsv", dir);
    snprintf(bad, sizeof bad, "%s/bad.tsv", dir);

    es_scorer_t *s = es_test_rules_scorer(NULL);
    size_t mem = es__scorer_memory(s);
    diag("lexicon memory: %zu bytes (%.2f MiB)", mem, mem / 1048576.0);
    ok(mem > 0 && mem < 8u << 20, "all lexicons under 8 MiB (%zu bytes)", mem);
    char l[8];
    is_str(es_test_score(s, "acmephone rocks", "en", l).label, "neutral", "unknown brand word neutral");
    es__scorer_free(s);

    write_file(extra, "# admin overrides\n"
                      "acmephone\t2.5\n"
                      "Sick\t2\ten\n"
                      "nul\t0\tfr\n"
                      "\xF0\x9F\x98\x82\t-3\n"
                      "\n");
    s = es_test_rules_scorer(extra);
    ok(es_test_score(s, "acmephone", "en", l).compound > 0.3, "extra word scores in en");
    ok(es_test_score(s, "acmephone", "fr", l).compound > 0.3, "extra word without lang scores in fr");
    ok(es_test_score(s, "that trick was sick", "en", l).compound > 0, "override: sick is positive");
    is_str(es_test_score(s, "c'est nul", "fr", l).label, "neutral", "fr-only override");
    is_str(es_test_score(s, "\xF0\x9F\x98\x82", "en", l).label, "negative", "emoji override");
    es__scorer_free(s);

    struct { const char *text; const char *msg; int rc; } cases[] = {
        {"good\n", ":1: expected word<TAB>valence", ES_EPARSE},
        {"ok\t1\nfine\tabc\n", ":2: valence is not a number", ES_EPARSE},
        {"ok\t9\n", ":1: valence outside -4..4", ES_EPARSE},
        {"ok\t1\tde\n", ":1: third column must be en or fr", ES_EPARSE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(bad, cases[i].text);
        es_scorer_opts_t o = {.lexicon_dir = es_test_lexdir(), .extra_lexicon = bad};
        char err[512] = "";
        es_scorer_t *b = NULL;
        int rc = es__scorer_load(&b, &o, err, sizeof err);
        is_int(rc, cases[i].rc, "bad extra file %zu refused", i);
        like(err, cases[i].msg, "error names the line");
        like(err, bad, "error names the file");
        ok(b == NULL, "no scorer on error");
    }
    {
        es_scorer_opts_t o = {.lexicon_dir = dir};
        char err[512] = "";
        es_scorer_t *b = NULL;
        is_int(es__scorer_load(&b, &o, err, sizeof err), ES_ENOENT, "missing lexicon dir is ENOENT");
        like(err, "en.tsv", "error names the missing file");
        o.lexicon_dir = NULL;
        is_int(es__scorer_load(&b, &o, err, sizeof err), ES_EINVAL, "no dir is EINVAL");
        es_scorer_opts_t t = {.lexicon_dir = es_test_lexdir(), .pos_threshold = 0.5,
                              .neg_threshold = 0.5, .rules_only = 1};
        is_int(es__scorer_load(&b, &t, err, sizeof err), 0, "custom thresholds load");
        is_str(es_test_score(b, "good", "en", l).label, "neutral", "good (0.44) neutral at 0.5");
        is_str(es_test_score(b, "very very good!!!", "en", l).label, "positive", "stronger positive");
        es__scorer_free(b);
        es__scorer_free(NULL);
    }
    unlink(extra);
    unlink(bad);
    rmdir(dir);
    return done_testing();
}
