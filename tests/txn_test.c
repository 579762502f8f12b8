/*
 * The loop turn's state transaction (core/state/txn.c) on its own: the
 * hook when one opens, the generation, a failed commit rolled back into
 * the fault, the probe that clears it, and no state DB at all.
 */
#include <stdio.h>
#include <unistd.h>

#include "state.h"
#include "tap.h"
#include "txn.h"

static void count_open(void *arg) { (*(int *)arg)++; }

int main(void)
{
    char dir[] = "/tmp/earshot-txn-test.XXXXXX", err[256];
    if (!mkdtemp(dir))
        skip_all("mkdtemp failed");
    es_state_t *st = NULL;
    if (es__state_open(dir, &st, err, sizeof err) < 0)
        skip_all("state: %s", err);
    es__txn_t t;
    int opened = 0;
    is_int(es__txn_init(&t, st, dir, count_open, &opened), 0, "init");
    ok(!es__txn_is_open(&t) && es__txn_writable(&t), "starts closed and writable");
    uint64_t gen = es__txn_gen(&t);
    es__txn_open(&t);
    es__txn_open(&t);
    ok(es__txn_is_open(&t) && opened == 1, "open: one transaction, the hook told once");
    ok(es__state_spool_add(st, "s", "mention", "t:1", "{}", 2) > 0, "a write in it");
    is_int(es__txn_commit(&t, 1), 1, "commit");
    ok(!es__txn_is_open(&t) && es__txn_gen(&t) == gen + 1, "closed, the generation moved on");
    int64_t n = -1, bytes, oldest;
    es__state_spool_stats(st, "s", &n, &bytes, &oldest);
    is_int((int)n, 1, "the row is durable");
    ok(t.n_commits == 1 && t.commit_ns > 0 && t.commit_max_ns == t.commit_ns, "the commit is counted and timed");

    es__txn_open(&t);
    es__state_spool_add(st, "s", "mention", "t:2", "{}", 2);
    is_int(es__txn_commit(&t, 0), 0, "a commit whose writes failed rolls back");
    ok(es__txn_faulty(&t) && !es__txn_writable(&t), "and marks the fault");
    ok(es__txn_gen(&t) == gen + 2, "the generation moves on either way");
    ok(t.n_commits == 1, "a transaction rolled back before its commit is not a commit");
    es__state_spool_stats(st, "s", &n, &bytes, &oldest);
    is_int((int)n, 1, "the row of the rolled-back transaction never existed");
    es__txn_fault(&t);
    ok(es__txn_faulty(&t), "a second fault changes nothing");
    is_int(es__txn_probe(&t), 1, "the probe writes: the fault is cleared");
    ok(es__txn_writable(&t) && !es__txn_is_open(&t), "writable again, no transaction left open");
    es__state_spool_stats(st, "s", &n, &bytes, &oldest);
    is_int((int)n, 1, "the probe's row is gone");
    is_int(opened, 2, "the hook told once per transaction opened");
    es__txn_free(&t);

    es__txn_t none;
    es__txn_init(&none, NULL, NULL, count_open, &opened);
    es__txn_open(&none);
    ok(!es__txn_is_open(&none) && !es__txn_writable(&none) && opened == 2,
       "without a state DB nothing opens and nothing is writable");
    es__txn_free(&none);

    es__state_close(st);
    tap_rm_state_dir(dir);
    return done_testing();
}
