/* The query parser and matcher (core/query/): any bytes as a query, and
 * the same bytes as the text it runs against, with a few fixed queries
 * beside it so the candidate index has neighbours. A query that parses
 * must compile and run; the matcher's answer is checked against a second
 * matcher holding the query alone (the index must not change the
 * result). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "query/query.h"

static const char *const fixed[] = {"acme OR globex", "\"virgin media\"~2 -weather", "sk* NEAR/3 broadband",
                                    "raw:Sky #skyuk @skyhelp", "title:(a OR b) lang:en"};

static int run(es_matcher_t *mt, const es_mention_t *m, size_t qi)
{
    es_qtoks_t t = {0};
    es__qtoks_from_mention(&t, m);
    const uint32_t *hits;
    int n = es__matcher_run(mt, &t, &hits), found = 0;
    for (int i = 0; i < n; i++)
        found |= hits[i] == qi;
    es__qtoks_free(&t);
    return n < 0 ? -1 : found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *s = fuzz_cstr(data, size);
    es_mention_t m = {.id = "x", .network = "twitter", .title = "a title", .text = s, .author = "@someone",
                      .lang = "en", .url = "https://www.example.com/a/b"};
    es_query_t *q = NULL, *q2 = NULL;
    es_query_error_t err;
    int rc = es__query_parse(s, &q, &err);
    if (rc == 0) {
        if (es__query_parse(s, &q2, &err) != 0)
            abort(); /* parsing is deterministic */
        es_matcher_t *big, *alone;
        if (es__matcher_new(&big) < 0 || es__matcher_new(&alone) < 0)
            abort();
        for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
            es_query_t *f;
            if (es__query_parse(fixed[i], &f, &err) != 0 || es__matcher_add(big, f) < 0)
                abort();
        }
        size_t qi = sizeof fixed / sizeof *fixed;
        if (es__matcher_add(big, q) < 0 || es__matcher_add(alone, q2) < 0 || es__matcher_compile(big) < 0 ||
            es__matcher_compile(alone) < 0)
            abort();
        if (run(big, &m, qi) != run(alone, &m, 0))
            abort();
        es__matcher_free(big);
        es__matcher_free(alone);
    } else if (rc != ES_EPARSE || err.offset > size || !err.msg[0]) {
        abort(); /* an error says where, within the query */
    } else {
        es__query_free(q);
    }
    free(s);
    return 0;
}
