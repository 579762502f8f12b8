/*
 * The twitter source's own cost, without the pipeline: scan a file into
 * elements, validate UTF-8, parse each (the plugin's tjson reader; jansson
 * alongside for comparison) and map it to mentions (emitted nowhere). Built
 * and run by bench/twitter/run.sh.
 *
 * usage: micro FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "scan.h"
#include "tjson.h"
#include "tweet.h"
#include <earshot/text.h>

static unsigned long n_tweets;

static void emit(void *arg, const es_mention_t *m)
{
    (void)arg;
    (void)m;
    n_tweets++;
}

static void problem(void *arg, const char *what, int dropped)
{
    (void)arg;
    (void)what;
    (void)dropped;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU time: the machine may be shared */
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: micro FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    rewind(f);
    char *orig = malloc(len ? len : 1), *buf = malloc(len ? len : 1);
    if (!orig || !buf || fread(orig, 1, len, f) != len)
        return 1;
    fclose(f);
    tw_format_t fmt = tw_sniff(orig, len, NULL, 0);
    tw_opts_t o = {.network = "twitter", .retweets = 1};
    tw_out_t out = {.emit = emit, .problem = problem};
    const char *stage[] = {"scan", "scan+utf8", "scan+utf8+jansson (compare)", "scan+utf8+tjson",
                           "scan+utf8+tjson+map"};
    tj_doc_t doc = {0};
    for (int mode = 0; mode < 5; mode++) {
        tw_scan_t sc;
        tw_scan_init(&sc, fmt, 1 << 20, 0);
        size_t a, b, el = 0;
        tw_scan_rc_t rc;
        n_tweets = 0;
        memcpy(buf, orig, len); /* the plugin parses in place, so each pass gets a fresh copy */
        double t0 = now();
        while ((rc = tw_scan_next(&sc, buf, len, 1, &a, &b)) != TW_SCAN_MORE) {
            if (rc != TW_SCAN_ELEM)
                continue;
            el++;
            if (mode >= 1 && !es_utf8_is_valid(buf + a, b - a))
                continue;
            if (mode == 2)
                json_decref(json_loadb(buf + a, b - a, 0, NULL));
            if (mode >= 3) {
                tj_reset(&doc);
                tj_t *v = tj_parse_insitu(&doc, buf + a, b - a);
                if (mode == 4 && v)
                    tw_map(v, &o, &out);
            }
        }
        double s = now() - t0;
        unsigned long n = mode == 4 ? n_tweets : 0;
        printf("  %-28s: %.3f s, %.0f MB/s%s", stage[mode], s, len / s / 1e6, n ? "" : "\n");
        if (n)
            printf(", %lu tweets, %.0f tweets/s, %.2f us/tweet\n", n, n / s, s * 1e6 / n);
    }
    tj_free(&doc);
    free(buf);
    free(orig);
    return 0;
}
