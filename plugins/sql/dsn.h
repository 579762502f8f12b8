/*
 * The `dsn` key of the sql sink: which backend and where.
 */
#ifndef ES_SQL_DSN_H
#define ES_SQL_DSN_H

#include <stddef.h>

typedef enum {
    SQL_DSN_SQLITE = 1,
    SQL_DSN_POSTGRESQL = 2,
} sql_dsn_kind_t;

/* Classifies `dsn`: "" or NULL is SQLite at STATE_DIR/earshot.db;
 * "sqlite:PATH" (PATH relative to state_dir unless absolute);
 * "postgresql://..." or "postgres://..." (passed to libpq whole).
 * On success sets *kind and, for SQLite, *path (malloc'd). Returns 0 or
 * ES_ECONFIG with a reason in err. */
int sql_dsn_parse(const char *dsn, const char *state_dir, sql_dsn_kind_t *kind, char **path,
                  char *err, size_t errlen);

/* A copy of a postgresql:// URI fit for logs: the password of the user
 * info and any password= query parameter are replaced by "***". malloc'd;
 * NULL on ENOMEM. */
char *sql_dsn_masked(const char *dsn);

#endif
