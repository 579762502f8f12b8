#include "dsn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

int sql_dsn_parse(const char *dsn, const char *state_dir, sql_dsn_kind_t *kind, char **path,
                  char *err, size_t errlen)
{
    *path = NULL;
    if (!dsn || !*dsn || has_prefix(dsn, "sqlite:")) {
        const char *p = dsn && *dsn ? dsn + strlen("sqlite:") : "";
        size_t n = strlen(state_dir) + strlen(p) + 16;
        char *full = malloc(n);
        if (!full)
            return ES_ENOMEM;
        if (!*p)
            snprintf(full, n, "%s/earshot.db", state_dir);
        else if (*p == '/')
            snprintf(full, n, "%s", p);
        else
            snprintf(full, n, "%s/%s", state_dir, p);
        *kind = SQL_DSN_SQLITE;
        *path = full;
        return 0;
    }
    if (has_prefix(dsn, "postgresql://") || has_prefix(dsn, "postgres://")) {
        *kind = SQL_DSN_POSTGRESQL;
        return 0;
    }
    snprintf(err, errlen, "dsn must start with sqlite: or postgresql:// (got '%.*s...')", 12, dsn);
    return ES_ECONFIG;
}

/* Replaces [from, to) of s by "***" in place of a fresh copy. */
static char *mask_range(char *s, size_t from, size_t to)
{
    size_t n = strlen(s);
    char *o = malloc(n - (to - from) + 4);
    if (!o) {
        free(s);
        return NULL;
    }
    memcpy(o, s, from);
    memcpy(o + from, "***", 3);
    memcpy(o + from + 3, s + to, n - to + 1);
    free(s);
    return o;
}

char *sql_dsn_masked(const char *dsn)
{
    char *s = strdup(dsn);
    if (!s)
        return NULL;
    char *scheme = strstr(s, "://");
    if (!scheme)
        return s;
    size_t auth = (size_t)(scheme - s) + 3;
    size_t auth_end = auth + strcspn(s + auth, "/?#");
    /* The user info ends at the last '@' of the authority. */
    size_t at = 0;
    for (size_t i = auth; i < auth_end; i++)
        if (s[i] == '@')
            at = i;
    if (at) {
        char *colon = memchr(s + auth, ':', at - auth);
        if (colon && !(s = mask_range(s, (size_t)(colon - s) + 1, at)))
            return NULL;
    }
    /* password=... among the query parameters, any number of times. */
    char *q = strchr(s, '?');
    while (q) {
        char *p = q + 1;
        if (strncmp(p, "password=", 9) == 0) {
            size_t from = (size_t)(p - s) + 9, to = from + strcspn(p + 9, "&#");
            if (!(s = mask_range(s, from, to)))
                return NULL;
            p = s + from;
        }
        q = strchr(p, '&');
    }
    return s;
}
