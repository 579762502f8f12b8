/*
 * French: label agreement on tests/data/sentiment_fr.tsv (hand-labelled
 * social-style sentences), cross-lingual consistency (the French sentence
 * and its English translation get the same label), and language detection
 * on both sides. Languages are detected, not forced, as in the pipeline.
 */
#include "sentiment_common.h"

int main(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/sentiment_fr.tsv", ES_TEST_SRCDIR);
    FILE *f = fopen(path, "r");
    if (!f)
        skip_all("%s not found", path);
    es_scorer_t *s = es_test_scorer(NULL);
    char line[4096];
    size_t n = 0, agree_fr = 0, agree_en = 0, same = 0, det_fr = 0, det_en = 0;
    size_t conf[3][3] = {{0}};
    static const char *const labels[] = {"positive", "neutral", "negative"};
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *fld[4];
        int nf = 0;
        for (char *p = line, *t; nf < 4 && p; p = t) {
            t = strchr(p, '\t');
            if (t)
                *t++ = '\0';
            fld[nf++] = p;
        }
        if (nf != 4)
            continue;
        char lfr[8], len[8];
        es_sentiment_t rf = es_test_score(s, fld[2], NULL, lfr);
        es_sentiment_t re = es_test_score(s, fld[3], NULL, len);
        n++;
        det_fr += strcmp(lfr, "fr") == 0;
        det_en += strcmp(len, "en") == 0;
        agree_fr += strcmp(rf.label, fld[1]) == 0;
        agree_en += strcmp(re.label, fld[1]) == 0;
        same += strcmp(rf.label, re.label) == 0;
        int want = 0, got = 0;
        for (int k = 0; k < 3; k++) {
            if (strcmp(fld[1], labels[k]) == 0)
                want = k;
            if (strcmp(rf.label, labels[k]) == 0)
                got = k;
        }
        conf[want][got]++;
        if (getenv("ES_TEST_VERBOSE") && strcmp(rf.label, fld[1]) != 0)
            diag("fr %s->%s %+.3f [%s] %s", fld[1], rf.label, rf.compound, lfr, fld[2]);
        if (getenv("ES_TEST_VERBOSE") && strcmp(rf.label, re.label) != 0)
            diag("xl fr=%s en=%s %+.3f %s", rf.label, re.label, re.compound, fld[3]);
    }
    fclose(f);
    ok(n >= 200, "at least 200 French sentences (%zu)", n);
    if (n == 0) {
        es__scorer_free(s);
        return done_testing();
    }
    double a_fr = (double)agree_fr / n, a_en = (double)agree_en / n, xl = (double)same / n;
    diag("French label agreement      %.3f (%zu/%zu)", a_fr, agree_fr, n);
    diag("English translation agreement %.3f", a_en);
    diag("cross-lingual same label    %.3f (%zu/%zu)", xl, same, n);
    diag("language detected: fr %.3f, en %.3f", (double)det_fr / n, (double)det_en / n);
    diag("confusion (rows human pos/neu/neg, cols French scorer): %zu %zu %zu | %zu %zu %zu | %zu %zu %zu",
         conf[0][0], conf[0][1], conf[0][2], conf[1][0], conf[1][1], conf[1][2], conf[2][0],
         conf[2][1], conf[2][2]);
    ok(a_fr >= 0.75, "French label agreement %.3f >= 0.75", a_fr);
    ok(xl >= 0.80, "cross-lingual consistency %.3f >= 0.80", xl);
    ok((double)det_fr / n >= 0.95, "French detected as fr in %.3f of sentences", (double)det_fr / n);
    ok((double)det_en / n >= 0.95, "English detected as en in %.3f of sentences", (double)det_en / n);
    es__scorer_free(s);
    return done_testing();
}
