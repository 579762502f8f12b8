#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <earshot/plugin.h>

char *es__strdup(const char *s) { return s ? strdup(s) : NULL; }

char *es__strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *es__asprintf(const char *fmt, ...)
{
    va_list ap;
    char *out = NULL;
    va_start(ap, fmt);
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    return out;
}

char *es__trim(char *s)
{
    char *b = s;
    while (*b && isspace((unsigned char)*b))
        b++;
    size_t n = strlen(b);
    while (n > 0 && isspace((unsigned char)b[n - 1]))
        n--;
    memmove(s, b, n);
    s[n] = '\0';
    return s;
}

uint64_t es__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int64_t es__now_s(void) { return (int64_t)time(NULL); }

uint64_t es__rand_below(uint64_t n)
{
    if (n == 0)
        return 0;
    /* Thread-local state seeded from the clock and the state's address so
     * two agents started together do not retry in lockstep. */
    static _Thread_local uint64_t x;
    if (x == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        x = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)&x;
        if (x == 0)
            x = 0x9e3779b97f4a7c15ull;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
}

int es__split_list(const char *s, char ***items, size_t *count)
{
    *items = NULL;
    *count = 0;
    size_t cap = 0, n = 0;
    char **v = NULL;
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *item = es__strndup(p, len);
        if (!item)
            goto nomem;
        es__trim(item);
        if (item[0] == '\0') {
            free(item);
            es__strv_free(v, n);
            return ES_EINVAL;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 4;
            char **nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                free(item);
                goto nomem;
            }
            v = nv;
            cap = nc;
        }
        v[n++] = item;
        if (!e)
            break;
        p = e + 1;
    }
    *items = v;
    *count = n;
    return 0;
nomem:
    es__strv_free(v, n);
    return ES_ENOMEM;
}

void es__strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int es__mkdir_p(const char *dir, unsigned mode)
{
    char *p = es__strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    int rc = mkdir(p, (mode_t)mode) < 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}
