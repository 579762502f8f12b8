#include "state_ckpt.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "log.h"
#include "state_conn.h"
#include <earshot/plugin.h>

/* WAL pages that start a checkpoint: as many as SQLite's own checkpoint
 * would let grow. */
#define ES_CKPT_PAGES ES_STATE_WAL_PAGES
/* WAL pages beyond which the loop thread checkpoints itself (64 MiB). */
#define ES_CKPT_HARD_PAGES (4 * ES_CKPT_PAGES)

struct es_state_ckpt {
    es_state_t *st;
    uv_loop_t *loop;
    uv_work_t work;
    sqlite3 *db;       /* the worker's own connection, opened on first use */
    int running;
    int started_at;    /* WAL pages when the last checkpoint started */
    int rc;            /* of the last checkpoint, read in after_work */
    int failures;
    unsigned long count;
    unsigned long sync_count; /* checkpoints the loop thread had to run */
};

static void ckpt_work(uv_work_t *w)
{
    es_state_ckpt_t *c = w->data;
    if (!c->db) {
        if (sqlite3_open_v2(es__state_path(c->st), &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                            NULL) != SQLITE_OK) {
            c->rc = SQLITE_CANTOPEN;
            sqlite3_close(c->db);
            c->db = NULL;
            return;
        }
        sqlite3_busy_timeout(c->db, 5000);
    }
    /* PASSIVE: copies what it can without waiting for readers or writers,
     * so the loop's next commit never waits for it. */
    c->rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static void ckpt_done(uv_work_t *w, int status)
{
    es_state_ckpt_t *c = w->data;
    c->running = 0;
    c->count++;
    if (status == 0 && c->rc != SQLITE_OK && c->rc != SQLITE_BUSY) {
        /* Logged at the 1st, 2nd, 4th, 8th... failure: a full disk fails
         * every time, and the commits go on (the WAL just grows). */
        c->failures++;
        if ((c->failures & (c->failures - 1)) == 0)
            es__logf(ES_LOG_WARN, "state %s: checkpoint failed (%d time(s)): %s", es__state_path(c->st),
                    c->failures, c->db ? sqlite3_errmsg(c->db) : "cannot open a second connection");
    } else if (status == 0) {
        c->failures = 0;
    }
}

/* After every commit on the main connection (loop thread). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    es_state_ckpt_t *c = arg;
    if (pages < c->started_at)
        c->started_at = 0; /* the WAL was restarted from its beginning */
    if (pages >= ES_CKPT_HARD_PAGES && !c->running) {
        /* Checkpoint starvation: while commits keep coming, a checkpoint
         * running beside them never finds the WAL's end still, so the WAL
         * is never restarted and grows. Between two commits, on this
         * connection, a checkpoint does reach the end (little is left to
         * copy: the thread pool did most), and the next commit restarts
         * the WAL from its beginning. */
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        c->sync_count++;
        c->started_at = 0;
        return SQLITE_OK;
    }
    /* While commits keep coming a PASSIVE checkpoint rarely catches up
     * with the end of the WAL, so the page count stays high: start the
     * next one only once a quarter of the limit is new, not after every
     * commit. */
    if (pages >= ES_CKPT_PAGES && pages - c->started_at >= ES_CKPT_PAGES / 4 && !c->running) {
        c->work.data = c;
        if (uv_queue_work(c->loop, &c->work, ckpt_work, ckpt_done) == 0) {
            c->running = 1;
            c->started_at = pages;
        }
    }
    return SQLITE_OK;
}

int es__state_ckpt_start(es_state_t *st, uv_loop_t *loop, es_state_ckpt_t **out)
{
    *out = NULL;
    es_state_ckpt_t *c = calloc(1, sizeof *c);
    if (!c)
        return ES_ENOMEM;
    c->st = st;
    c->loop = loop;
    /* The hook replaces SQLite's automatic checkpoint (which is a WAL hook
     * too). */
    sqlite3_wal_hook(es__state_db(st), wal_hook, c);
    *out = c;
    return 0;
}

void es__state_ckpt_stop(es_state_ckpt_t *c)
{
    if (!c)
        return;
    while (c->running)
        uv_run(c->loop, UV_RUN_ONCE);
    sqlite3_wal_autocheckpoint(es__state_db(c->st), ES_CKPT_PAGES);
    sqlite3_close(c->db);
    free(c);
}

unsigned long es__state_ckpt_count(const es_state_ckpt_t *c, unsigned long *on_loop)
{
    if (on_loop)
        *on_loop = c ? c->sync_count : 0;
    return c ? c->count : 0;
}
