/*
 * Checkpoints and HTTP validators read from memory (core/state/state_memo.c):
 * what the database has, each write that worked at once, nothing a
 * rollback undid, and the same answers on a connection without a memo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <earshot/plugin.h>

#include "state.h"
#include "tap.h"

static char *cp(es_state_t *st, const char *inst, const char *key)
{
    char *v = NULL;
    return es__state_checkpoint_get(st, inst, key, &v) == 0 ? v : NULL;
}

static int cp_is(es_state_t *st, const char *inst, const char *key, const char *want)
{
    char *v = cp(st, inst, key);
    int same = want ? v && !strcmp(v, want) : v == NULL;
    free(v);
    return same;
}

int main(void)
{
    char dir[] = "/tmp/earshot-memo-test.XXXXXX", err[256];
    if (!mkdtemp(dir))
        skip_all("mkdtemp failed");
    es_state_t *st = NULL;
    if (es__state_open(dir, &st, err, sizeof err) < 0)
        skip_all("state: %s", err);
    es__state_checkpoint_put(st, "feed", "cursor", "41");
    es__state_http_put(st, "http://127.0.0.1/a", "\"e1\"", NULL);
    es__state_close(st);

    if (es__state_open(dir, &st, err, sizeof err) < 0)
        { fprintf(stderr, "reopen: %s", err); return 1; }
    ok(cp_is(st, "feed", "cursor", "41"), "a checkpoint of an earlier run is read");
    char *v = NULL;
    is_int(es__state_checkpoint_get(st, "feed", "other", &v), ES_ENOENT, "an unknown key is ENOENT");
    is_int(es__state_checkpoint_get(st, "feed\x1f" "cursor", "", &v), ES_ENOENT,
           "the joined key of another instance and key is not found");
    es__state_checkpoint_put(st, "feed", "cursor", "42");
    ok(cp_is(st, "feed", "cursor", "42"), "a write is read back at once");

    char *etag = NULL, *lm = NULL;
    ok(es__state_http_get(st, "http://127.0.0.1/a", &etag, &lm) == 0 && etag && !strcmp(etag, "\"e1\"") && !lm,
       "validators of an earlier run, a missing one NULL");
    free(etag);
    free(lm);
    is_int(es__state_http_get(st, "http://127.0.0.1/b", &etag, &lm), ES_ENOENT, "an unknown URL is ENOENT");

    es__state_begin(st);
    es__state_checkpoint_put(st, "feed", "cursor", "43");
    es__state_http_put(st, "http://127.0.0.1/b", NULL, "Tue, 01 Dec 2026 10:00:00 GMT");
    ok(cp_is(st, "feed", "cursor", "43"), "inside a transaction, its write is read");
    es__state_rollback(st);
    ok(cp_is(st, "feed", "cursor", "42"), "rolled back: the checkpoint the database kept");
    is_int(es__state_http_get(st, "http://127.0.0.1/b", &etag, &lm), ES_ENOENT,
           "rolled back: the validators never existed");

    es__state_begin(st);
    es__state_checkpoint_put(st, "feed", "cursor", "44");
    es__state_commit(st);
    es_state_t *ro = NULL;
    if (es__state_open_readonly(dir, &ro, err, sizeof err) < 0)
        { fprintf(stderr, "readonly: %s", err); return 1; }
    ok(cp_is(st, "feed", "cursor", "44") && cp_is(ro, "feed", "cursor", "44"),
       "committed: the memo and a connection reading the database agree");
    es__state_close(ro);
    es__state_close(st);
    tap_rm_state_dir(dir);
    return done_testing();
}
