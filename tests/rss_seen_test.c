/* The rss plugin's per-feed memory of emitted ids (plugins/rss/seen.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>
#include "seen.h"
#include "tap.h"

int main(void)
{
    es_seen_hash_t a, b, c, a2;
    is_int(es_seen_hash("rss:https://x.example/1", &a), 0, "hash");
    es_seen_hash("rss:https://x.example/2", &b);
    es_seen_hash("rss:https://x.example/3", &c);
    es_seen_hash("rss:https://x.example/1", &a2);
    is_int(strlen(a.hex), ES_SEEN_HASH_LEN, "hash length");
    is_str(a.hex, a2.hex, "hash is stable");
    ok(strcmp(a.hex, b.hex) != 0, "hashes differ");

    es_seen_t s;
    is_int(es_seen_load(&s, NULL), 0, "NULL loads empty");
    ok(!es_seen_has(&s, &a), "empty has nothing");
    es_seen_hash_t cur[] = {b, a, b};
    char *v = es_seen_dump(&s, cur, 3, 10);
    char want[128];
    snprintf(want, sizeof want, "[\"%s\",\"%s\"]", b.hex, a.hex);
    is_str(v, want, "dump keeps document order, drops repeats");
    es_seen_free(&s);

    is_int(es_seen_load(&s, v), 0, "reload");
    ok(es_seen_has(&s, &a) && es_seen_has(&s, &b) && !es_seen_has(&s, &c), "membership after reload");
    es_seen_hash_t cur2[] = {c};
    char *v2 = es_seen_dump(&s, cur2, 1, 2);
    snprintf(want, sizeof want, "[\"%s\",\"%s\"]", c.hex, b.hex);
    is_str(v2, want, "new first, old kept, bounded by the limit");
    char *v3 = es_seen_dump(&s, cur, 3, 1);
    snprintf(want, sizeof want, "[\"%s\",\"%s\"]", b.hex, a.hex);
    is_str(v3, want, "never forgets what the feed still holds, whatever the limit");
    es_seen_free(&s);
    free(v);
    free(v2);
    free(v3);

    is_int(es_seen_load(&s, "[]"), 0, "empty array");
    is_int(s.n, 0, "empty array is empty");
    es_seen_free(&s);
    is_int(es_seen_load(&s, " [ \"0123456789abcdef\" , \"fedcba9876543210\" ] "), 0, "spaces");
    is_int(s.n, 2, "two entries");
    es_seen_free(&s);
    static const char *const bad[] = {"", "{}", "[", "[\"xyz\"]", "[\"0123456789abcdef\",]",
                                      "[\"0123456789abcdef\"", "[1]", "[\"0123456789abcdeg\"]", NULL};
    for (int i = 0; bad[i]; i++) {
        is_int(es_seen_load(&s, bad[i]), ES_EPARSE, "refuses '%s'", bad[i]);
        ok(s.n == 0 && !es_seen_has(&s, &a), "refused value leaves an empty set");
        es_seen_free(&s);
    }
    return done_testing();
}
