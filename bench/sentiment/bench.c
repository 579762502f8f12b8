/*
 * Sentiment scorer throughput: scores every text of a ground-truth file
 * (id<TAB>mean<TAB>text) repeatedly on one thread and prints texts/s and
 * microseconds per text, plus lexicon memory (the scorer's own count, the
 * heap growth while loading, the RSS growth) and peak RSS.
 *
 *   bench [FILE] [SECONDS] [LANG]   (LANG "" = detect, the default)
 * ES_BENCH_RULES_ONLY=1 measures the rules without the learned layer.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../../core/sentiment/scorer.h"

#ifndef ES_LEXICON_DIR
#define ES_LEXICON_DIR "contrib/lexicons"
#endif

static double es_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long es_rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * 4;
}

/* Same clean-up as the accuracy test: Latin-1 bytes to UTF-8, entities. */
static char *es__clean(const char *in)
{
    size_t n = strlen(in);
    char *out = malloc(n * 2 + 1), *o = out;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)in[i];
        if (c == '&' && strncmp(in + i, "&amp;", 5) == 0) {
            *o++ = '&';
            i += 5;
        } else if (c == '&' && strncmp(in + i, "&lt;", 4) == 0) {
            *o++ = '<';
            i += 4;
        } else if (c == '&' && strncmp(in + i, "&gt;", 4) == 0) {
            *o++ = '>';
            i += 4;
        } else if (c == '&' && strncmp(in + i, "&quot;", 6) == 0) {
            *o++ = '"';
            i += 6;
        } else if (c >= 0x80 && !(c >= 0xC2 && c <= 0xF4 && ((unsigned char)in[i + 1] & 0xC0) == 0x80)) {
            *o++ = (char)(0xC0 | (c >> 6));
            *o++ = (char)(0x80 | (c & 0x3F));
            i++;
        } else {
            *o++ = (char)c;
            i++;
        }
    }
    *o = '\0';
    return out;
}

int main(int argc, char **argv)
{
    const char *file = argc > 1 ? argv[1] : "../shared/data/sentiment/tweets_GroundTruth.txt";
    double secs = argc > 2 ? atof(argv[2]) : 3.0;
    const char *lang = argc > 3 ? argv[3] : "";
    const char *dir = getenv("EARSHOT_LEXICON_DIR");
    if (!dir || !dir[0])
        dir = ES_LEXICON_DIR;

    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "bench: cannot open %s\n", file);
        return 1;
    }
    size_t cap = 8192, n = 0, bytes = 0;
    char **texts = malloc(cap * sizeof *texts);
    size_t *lens = malloc(cap * sizeof *lens);
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *t = strchr(line, '\t');
        t = t ? strchr(t + 1, '\t') : NULL;
        if (!t)
            continue;
        if (n == cap) {
            cap *= 2;
            texts = realloc(texts, cap * sizeof *texts);
            lens = realloc(lens, cap * sizeof *lens);
        }
        texts[n] = es__clean(t + 1);
        lens[n] = strlen(texts[n]);
        bytes += lens[n];
        n++;
    }
    fclose(f);

    struct mallinfo2 m0 = mallinfo2();
    long rss0 = es_rss_kib();
    double t0 = es_now();
    const char *ro = getenv("ES_BENCH_RULES_ONLY");
    es_scorer_opts_t opts = {.lexicon_dir = dir, .rules_only = ro && ro[0] == '1'};
    es_scorer_t *s = NULL;
    char err[512];
    if (es__scorer_load(&s, &opts, err, sizeof err) < 0) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    double load_ms = (es_now() - t0) * 1e3;
    struct mallinfo2 m1 = mallinfo2();
    long rss1 = es_rss_kib();

    es_sentiment_t r;
    char used[8];
    double sink = 0;
    for (size_t i = 0; i < n; i++) { /* warm-up */
        es__scorer_score(s, texts[i], lens[i], lang, &r, used);
        sink += r.compound;
    }
    size_t done = 0;
    t0 = es_now();
    double el;
    do {
        for (size_t i = 0; i < n; i++) {
            es__scorer_score(s, texts[i], lens[i], lang, &r, used);
            sink += r.compound;
        }
        done += n;
        el = es_now() - t0;
    } while (el < secs);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("earshot C scorer  %zu texts (avg %.0f bytes), lang %s, %s, %.1f s\n", n,
           (double)bytes / n, lang[0] ? lang : "detected",
           opts.rules_only ? "rules only" : "rules + models", el);
    printf("  throughput      %.0f texts/s\n", done / el);
    printf("  per text        %.3f us\n", el * 1e6 / done);
    printf("  load            %.1f ms (lexicons and models)\n", load_ms);
    printf("  memory          %zu bytes by es__scorer_memory(), %zu bytes heap growth, %ld KiB RSS growth\n",
           es__scorer_memory(s), (size_t)((m1.uordblks + m1.hblkhd) - (m0.uordblks + m0.hblkhd)), rss1 - rss0);
    printf("  peak RSS        %ld KiB (whole process, texts included)\n", ru.ru_maxrss);
    printf("  checksum        %.4f\n", sink);
    es__scorer_free(s);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(lens);
    return 0;
}
