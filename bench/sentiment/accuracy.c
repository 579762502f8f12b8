/*
 * Sentiment accuracy figures, printed side by side for the learned layer
 * (labels from the models) and the rules alone (labels from compound):
 *
 *   - TweetEval validation (SemEval-2017 4A, 2,000 tweets, never trained
 *     on): macro-averaged recall and per-class recalls;
 *   - review sentences of the VADER ground truth (amazon and movie
 *     snippets, human mean != 0), the fifth the English model was not
 *     trained or tuned on (es__gt_heldout()): binary accuracy, positive when the
 *     model finds positive more probable than negative (rules: compound
 *     > 0 among those with compound != 0, and with a 0 counted wrong);
 *   - VADER tweets: Pearson r between compound and the human mean;
 *   - French: label agreement on tests/data/sentiment_fr.tsv, and of the
 *     English translations there, language detected;
 *   - customer care: label agreement on tests/data/sentiment_care.tsv.
 *
 *   accuracy [SHARED_DATA_DIR] [SOURCE_TREE]
 * Not a pass/fail test: it prints figures (bench/sentiment/run.sh runs it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/sentiment/internal.h" /* es__gt_heldout() */
#include "../../core/sentiment/gt_text.h"
#include "../../core/sentiment/scorer.h"

#ifndef ES_LEXICON_DIR
#define ES_LEXICON_DIR "contrib/lexicons"
#endif

static const char *const es_labels[3] = {"negative", "neutral", "positive"};

static int es_label_id(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, es_labels[i]) == 0)
            return i;
    return -1;
}


static char *es_field(char **p)
{
    char *s = *p, *t = s ? strchr(s, '\t') : NULL;
    if (t)
        *t++ = '\0';
    *p = t;
    return s;
}

/* label<TAB>text: macro recall of model and rules labels. */
static void es_val(const es_scorer_t *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("  validation: %s not found, skipped\n", path);
        return;
    }
    size_t tot[3] = {0}, hit_m[3] = {0}, hit_r[3] = {0};
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *p = line, *lab = es_field(&p), *text = p;
        int y;
        if (!text || (y = es_label_id(lab)) < 0)
            continue;
        es_sentiment_t r;
        es_sentiment_detail_t d;
        char l[8];
        es__scorer_score_ex(s, text, strlen(text), "en", &r, l, &d);
        tot[y]++;
        hit_m[y] += strcmp(r.label, lab) == 0;
        hit_r[y] += strcmp(d.rules_label, lab) == 0;
    }
    fclose(f);
    for (int w = 0; w < 2; w++) {
        const size_t *h = w ? hit_r : hit_m;
        double rc[3], mac = 0;
        for (int c = 0; c < 3; c++)
            mac += rc[c] = tot[c] ? (double)h[c] / tot[c] : 0;
        printf("  TweetEval val (n=%zu), %-6s macro recall %.3f  (negative %.3f, neutral %.3f, positive %.3f)\n",
               tot[0] + tot[1] + tot[2], w ? "rules" : "model", mac / 3, rc[0], rc[1], rc[2]);
    }
}

/* id<TAB>mean<TAB>text files of the VADER ground truth. */
static void es_reviews(const es_scorer_t *s, const char *dir)
{
    static const char *const files[] = {"amazonReviewSnippets_GroundTruth.txt",
                                        "movieReviewSnippets_GroundTruth.txt"};
    size_t n = 0, ok_m = 0, ok_r = 0, dec_r = 0, fn[2] = {0, 0}, fok[2] = {0, 0};
    char line[65536], text[131072];
    for (size_t k = 0; k < 2; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[k]);
        FILE *f = fopen(path, "r");
        if (!f) {
            printf("  reviews: %s not found, skipped\n", path);
            return;
        }
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            char *p = line, *id = es_field(&p);
            char *mean = es_field(&p);
            if (!p || !mean || !es__gt_heldout(id, strlen(id)))
                continue;
            double y = strtod(mean, NULL);
            if (y == 0)
                continue;
            size_t len = es__clean(p, text, sizeof text);
            es_sentiment_t r;
            es_sentiment_detail_t d;
            char l[8];
            es__scorer_score_ex(s, text, len, "en", &r, l, &d);
            n++;
            fn[k]++;
            fok[k] += (d.probs[2] > d.probs[0]) == (y > 0);
            ok_m += (d.probs[2] > d.probs[0]) == (y > 0);
            ok_r += r.compound != 0 && (r.compound > 0) == (y > 0);
            dec_r += r.compound != 0;
        }
        fclose(f);
    }
    printf("  review sentences (amazon + movie, held-out fifth, n=%zu) binary accuracy: model %.3f;\n"
           "    rules %.3f on the %zu with compound != 0, %.3f counting compound 0 wrong\n", n,
           n ? (double)ok_m / n : 0, dec_r ? (double)ok_r / dec_r : 0, dec_r,
           n ? (double)ok_r / n : 0);
    printf("    model by file: amazon %.3f (n=%zu), movie %.3f (n=%zu)\n",
           fn[0] ? (double)fok[0] / fn[0] : 0, fn[0], fn[1] ? (double)fok[1] / fn[1] : 0, fn[1]);
}

static void es_pearson(const es_scorer_t *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("  VADER tweets: %s not found, skipped\n", path);
        return;
    }
    char line[65536], text[131072];
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *p = line;
        es_field(&p);
        char *mean = es_field(&p);
        if (!p || !mean)
            continue;
        double y = strtod(mean, NULL);
        size_t len = es__clean(p, text, sizeof text);
        es_sentiment_t r;
        char l[8];
        es__scorer_score(s, text, len, "en", &r, l);
        double x = r.compound;
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
        n++;
    }
    fclose(f);
    double den = sqrt(n * sxx - sx * sx) * sqrt(n * syy - sy * sy);
    printf("  VADER tweets (n=%zu) Pearson r of compound: %.3f\n", n,
           den > 0 ? (n * sxy - sx * sy) / den : 0);
}

/* lang<TAB>label<TAB>text[<TAB>english]: agreement of model and rules
 * labels, language detected. */
static void es_agree(const es_scorer_t *s, const char *path, const char *what, int col)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("  %s: %s not found, skipped\n", what, path);
        return;
    }
    size_t n = 0, ok_m = 0, ok_r = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *p = line;
        es_field(&p);
        char *lab = es_field(&p), *text = es_field(&p);
        if (col == 4)
            text = es_field(&p);
        if (!text || es_label_id(lab) < 0)
            continue;
        es_sentiment_t r;
        es_sentiment_detail_t d;
        char l[8];
        es__scorer_score_ex(s, text, strlen(text), NULL, &r, l, &d);
        n++;
        ok_m += strcmp(r.label, lab) == 0;
        ok_r += strcmp(d.rules_label, lab) == 0;
    }
    fclose(f);
    printf("  %s (n=%zu) label agreement: model %.3f, rules %.3f\n", what, n,
           n ? (double)ok_m / n : 0, n ? (double)ok_r / n : 0);
}

int main(int argc, char **argv)
{
    const char *shared = argc > 1 ? argv[1] : getenv("EARSHOT_SHARED_DATA");
    const char *tree = argc > 2 ? argv[2] : ".";
    if (!shared || !shared[0])
        shared = "../shared/data";
    const char *dir = getenv("EARSHOT_LEXICON_DIR");
    es_scorer_opts_t o = {.lexicon_dir = dir && dir[0] ? dir : ES_LEXICON_DIR};
    es_scorer_t *s = NULL;
    char err[1024], path[4096];
    if (es__scorer_load(&s, &o, err, sizeof err) < 0) {
        fprintf(stderr, "accuracy: %s\n", err);
        return 1;
    }
    printf("earshot sentiment accuracy (models in %s)\n", o.lexicon_dir);
    snprintf(path, sizeof path, "%s/sentiment-train/tweets_val_3class.tsv", shared);
    es_val(s, path);
    snprintf(path, sizeof path, "%s/sentiment", shared);
    es_reviews(s, path);
    snprintf(path, sizeof path, "%s/sentiment/tweets_GroundTruth.txt", shared);
    es_pearson(s, path);
    snprintf(path, sizeof path, "%s/tests/data/sentiment_fr.tsv", tree);
    es_agree(s, path, "French sentences", 3);
    es_agree(s, path, "their English translations", 4);
    snprintf(path, sizeof path, "%s/tests/data/sentiment_care.tsv", tree);
    es_agree(s, path, "customer-care texts", 3);
    es__scorer_free(s);
    return 0;
}
