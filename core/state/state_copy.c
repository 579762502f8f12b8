/*
 * A copy of the state database for `earshot run --dry-run`, which works on
 * it so the real checkpoints, dedupe ids and spools stay as they are.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <earshot/plugin.h>
#include "state.h"
#include "util.h"

int es__state_copy(const char *state_dir, const char *to_dir, char *err, size_t errlen)
{
    char *src = es__asprintf("%s/state.db", state_dir), *dst = es__asprintf("%s/state.db", to_dir);
    int rc = 0;
    if (!src || !dst) {
        rc = ES_ENOMEM;
        snprintf(err, errlen, "out of memory");
    } else if (access(src, F_OK) == 0) {
        /* The online backup API: consistent even while a daemon writes. */
        sqlite3 *from = NULL, *to = NULL;
        rc = ES_EDB;
        if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_open_v2(dst, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK) {
            sqlite3_busy_timeout(from, 5000);
            sqlite3_backup *bk = sqlite3_backup_init(to, "main", from, "main");
            if (bk) {
                int st = sqlite3_backup_step(bk, -1);
                sqlite3_backup_finish(bk);
                rc = st == SQLITE_DONE ? 0 : ES_EDB;
            }
        }
        if (rc < 0)
            snprintf(err, errlen, "cannot copy %s: %s", src,
                     to ? sqlite3_errmsg(to) : from ? sqlite3_errmsg(from) : "cannot open");
        sqlite3_close(from);
        sqlite3_close(to);
    }
    free(src);
    free(dst);
    return rc;
}
