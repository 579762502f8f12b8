/*
 * Accuracy against the human ratings of the VADER paper (Hutto & Gilbert
 * 2014): Pearson r between our compound and the human mean on each of the
 * four ground-truth files, compared with the JS port vader-sentiment 1.1.3
 * measured on the same files (tweets 0.879, movie 0.418, amazon 0.572,
 * nyt 0.492). The files are English, so the language is forced to "en"
 * as a caller that knows its source would do.
 */
#include <math.h>

#include "sentiment_common.h"
#include "sentiment/gt_text.h"


static int es_pearson(const es_scorer_t *s, const char *path, double *r, size_t *count)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[65536], text[65536 * 2];
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *t1 = strchr(line, '\t');
        if (!t1)
            continue;
        char *t2 = strchr(t1 + 1, '\t');
        if (!t2)
            continue;
        double y = strtod(t1 + 1, NULL);
        size_t len = es__clean(t2 + 1, text, sizeof text);
        es_sentiment_t out;
        char lang[8];
        es__scorer_score(s, text, len, "en", &out, lang);
        double x = out.compound;
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
        n++;
    }
    fclose(f);
    double num = n * sxy - sx * sy;
    double den = sqrt(n * sxx - sx * sx) * sqrt(n * syy - sy * sy);
    *r = den > 0 ? num / den : 0;
    *count = n;
    return 0;
}

int main(void)
{
    const char *shared = getenv("EARSHOT_SHARED_DATA");
    char dir[4096];
    if (shared && shared[0])
        snprintf(dir, sizeof dir, "%s/sentiment", shared);
    else
        snprintf(dir, sizeof dir, "%s/../shared/data/sentiment", ES_TEST_SRCDIR);
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/tweets_GroundTruth.txt", dir);
    FILE *pf = fopen(probe, "r");
    if (!pf)
        skip_all("ground truth not found in %s (set EARSHOT_SHARED_DATA)", dir);
    fclose(pf);

    static const struct { const char *file; double js; double floor; } sets[] = {
        {"tweets_GroundTruth.txt", 0.879, 0.88},
        {"movieReviewSnippets_GroundTruth.txt", 0.418, 0.418},
        {"amazonReviewSnippets_GroundTruth.txt", 0.572, 0.572},
        {"nytEditorialSnippets_GroundTruth.txt", 0.492, 0.492},
    };
    es_scorer_t *s = es_test_scorer(NULL);
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, sets[i].file);
        double r = 0;
        size_t n = 0;
        if (es_pearson(s, path, &r, &n) < 0) {
            ok(0, "%s readable", sets[i].file);
            continue;
        }
        diag("%-40s n=%5zu  r=%.4f  (JS port %.3f)", sets[i].file, n, r, sets[i].js);
        ok(r >= sets[i].floor, "%s: r %.3f >= %.3f", sets[i].file, r, sets[i].floor);
    }
    es__scorer_free(s);
    return done_testing();
}
