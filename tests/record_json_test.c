/* The direct mention serialiser (core/pipeline/record_json.c) against the jansson
 * path it replaced, on random mentions with every kind of character a
 * string can hold (controls, quotes, backslashes, multi-byte UTF-8, bytes
 * that are not UTF-8 and get repaired), NULL fields, and reals of every
 * size. They must agree byte for byte: sinks, the spool and tests compare
 * JSON text. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mention.h"
#include "record_json.h"
#include "tap.h"


static const char *const pieces[] = {
    "a", "Acme", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1f", "\x7f",
    "é", "ß", "😀", "日本", "\xe2\x80\xa8", "\xff", "\xc3", "&amp;", "<b>", "'", "{}", "[", ",", ":", "%s",
};

static char *rand_str(char *buf, size_t cap)
{
    if (tap_rand() % 5 == 0)
        return NULL;
    size_t n = 0, k = tap_rand() % 40; /* long enough for whole 8-byte words */
    buf[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        const char *p = pieces[tap_rand() % (sizeof pieces / sizeof *pieces)];
        size_t l = strlen(p);
        if (n + l + 1 >= cap)
            break;
        memcpy(buf + n, p, l + 1);
        n += l;
    }
    return buf;
}

static double rand_real(void)
{
    static const double special[] = {0.0, 1.0, -1.0, 0.5, 1e-7, -3.2e-5, 0.1, 1.0 / 3.0, 123456789.0, 1e21, -0.0};
    if (tap_rand() % 3 == 0)
        return special[tap_rand() % (sizeof special / sizeof *special)];
    return ((double)(tap_rand() % 2000001) - 1000000.0) / (double)(1 + tap_rand() % 1000000);
}

int main(void)
{
    int mismatches = 0, compared = 0;
    char first_bad[2][4096] = {"", ""};
    for (int iter = 0; iter < 20000; iter++) {
        char b[16][256];
        const char *addr[4];
        es_mention_t m = {0};
        m.id = rand_str(b[0], sizeof b[0]);
        if (!m.id)
            m.id = "x";
        m.network = "test";
        m.author = rand_str(b[1], sizeof b[1]);
        m.author_name = rand_str(b[2], sizeof b[2]);
        m.url = rand_str(b[3], sizeof b[3]);
        m.title = rand_str(b[4], sizeof b[4]);
        m.text = rand_str(b[5], sizeof b[5]);
        if (!m.text)
            m.text = "";
        m.lang = rand_str(b[6], sizeof b[6]);
        m.in_reply_to = rand_str(b[7], sizeof b[7]);
        m.reply_to_author = rand_str(b[8], sizeof b[8]);
        m.created_at = (int64_t)(tap_rand() % 4000000000ull) - (iter % 7 == 0 ? 2000000000 : 0);
        m.n_addressed = tap_rand() % 4;
        for (size_t i = 0; i < m.n_addressed; i++) {
            addr[i] = rand_str(b[9 + i], sizeof b[9 + i]);
            if (!addr[i])
                addr[i] = "acme";
        }
        m.addressed = addr;
        m.metrics_given = (unsigned)(tap_rand() % (1u << ES_METRIC_COUNT));
        for (int k = 0; k < ES_METRIC_COUNT; k++)
            m.metrics[k] = (int64_t)(tap_rand() % 5000000000ull);
        m.followers_given = (int)(tap_rand() % 2);
        m.followers = (int64_t)(tap_rand() % 300000000ull);
        es_rec_t *r = es__rec_from_mention(&m, iter % 2 ? "src" : NULL, NULL);
        if (!r)
            return 1;
        for (int k = 0; k < 4; k++)
            es__rec_set_stage(r, k, rand_str(b[13], sizeof b[13]) ? b[13] : NULL);
        if (tap_rand() % 4) {
            r->m.sentiment.compound = rand_real();
            r->m.sentiment.pos = rand_real();
            r->m.sentiment.neu = rand_real();
            r->m.sentiment.neg = rand_real();
            r->m.sentiment.label = tap_rand() % 2 ? "negative" : "neutral";
        }
        json_t *o = es__rec_to_json(r);
        char *want = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
        size_t len = 0;
        char *got = es__mention_json(&r->m, &len);
        compared++;
        if (!want || !got || strcmp(want, got) != 0 || len != strlen(got)) {
            if (!mismatches) {
                snprintf(first_bad[0], sizeof first_bad[0], "%s", want ? want : "(null)");
                snprintf(first_bad[1], sizeof first_bad[1], "%s", got ? got : "(null)");
            }
            mismatches++;
        }
        free(want);
        free(got);
        json_decref(o);
        es__rec_free(r);
    }
    ok(compared == 20000, "20000 random mentions serialised");
    ok(mismatches == 0, "byte for byte what jansson writes (%d mismatches)", mismatches);
    if (mismatches)
        printf("# want %s\n# got  %s\n", first_bad[0], first_bad[1]);

    /* Reach survives the spool: written, read back, written again. */
    {
        es_mention_t m = {0};
        m.id = "t:1";
        m.network = "t";
        m.text = "hi";
        m.metrics[ES_METRIC_LIKES] = 0;
        m.metrics[ES_METRIC_VIEWS] = 123456789012;
        m.metrics_given = 1u << ES_METRIC_LIKES | 1u << ES_METRIC_VIEWS;
        m.followers = 42;
        m.followers_given = 1;
        es_rec_t *r = es__rec_from_mention(&m, "src", NULL);
        char *j1 = r ? es__mention_json(&r->m, NULL) : NULL;
        ok(j1 && strstr(j1, "\"metrics\":{\"likes\":0,\"views\":123456789012},\"followers\":42"),
           "given counts written, zero included, others left out: %s", j1 ? j1 : "(null)");
        es_rec_t *back = j1 ? es__rec_from_json(j1) : NULL;
        char *j2 = back ? es__mention_json(&back->m, NULL) : NULL;
        ok(j2 && strcmp(j1, j2) == 0, "read back from the spool unchanged");
        es__rec_free(r);
        es__rec_free(back);
        free(j1);
        free(j2);
        es_mention_t none = {.id = "t:2", .network = "t", .text = ""};
        r = es__rec_from_mention(&none, NULL, NULL);
        j1 = r ? es__mention_json(&r->m, NULL) : NULL;
        ok(j1 && strstr(j1, "\"metrics\":{},\"followers\":null"), "none given: empty metrics, followers null");
        es__rec_free(r);
        free(j1);
        back = es__rec_from_json("{\"id\":\"t:3\",\"network\":\"t\",\"text\":\"\","
                                "\"metrics\":{\"likes\":-1,\"reposts\":\"7\",\"replies\":3},\"followers\":1.5}");
        ok(back && back->m.metrics_given == (1u << ES_METRIC_LIKES | 1u << ES_METRIC_REPLIES) &&
               back->m.metrics[ES_METRIC_LIKES] == -1 && back->m.metrics[ES_METRIC_REPLIES] == 3 &&
               !back->m.followers_given,
           "a negative score is kept; a string and a fraction are not counts: left out");
        es__rec_free(back);
    }
    printf("1..%d\n", tap_n_);
    return tap_failed_ ? 1 : 0;
}
