#include "seen.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>
#include <earshot/text.h>

int es_seen_hash(const char *mention_id, es_seen_hash_t *out)
{
    char hex[65];
    int rc = es_sha256_hex(mention_id, strlen(mention_id), hex);
    if (rc)
        return rc;
    memcpy(out->hex, hex, ES_SEEN_HASH_LEN);
    out->hex[ES_SEEN_HASH_LEN] = '\0';
    return 0;
}

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, ES_SEEN_HASH_LEN);
}

/* The format is ours (["hex", ...]), so a strict little scanner beats
 * pulling a JSON library into the plugin. */
int es_seen_load(es_seen_t *s, const char *json)
{
    memset(s, 0, sizeof *s);
    if (!json)
        return 0;
    size_t cap = strlen(json) / (ES_SEEN_HASH_LEN + 3) + 1;
    s->ids = malloc(cap * sizeof *s->ids);
    s->sorted = malloc(cap * sizeof *s->sorted);
    if (!s->ids || !s->sorted) {
        es_seen_free(s);
        return ES_ENOMEM;
    }
    const char *p = json;
    while (isspace((unsigned char)*p))
        p++;
    if (*p++ != '[')
        goto bad;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ']' && s->n == 0)
            break;
        if (*p++ != '"')
            goto bad;
        for (int i = 0; i < ES_SEEN_HASH_LEN; i++)
            if (!isxdigit((unsigned char)p[i]))
                goto bad;
        if (p[ES_SEEN_HASH_LEN] != '"' || s->n >= cap)
            goto bad;
        memcpy(s->ids[s->n].hex, p, ES_SEEN_HASH_LEN);
        s->ids[s->n].hex[ES_SEEN_HASH_LEN] = '\0';
        s->n++;
        p += ES_SEEN_HASH_LEN + 1;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == ']')
            break;
        goto bad;
    }
    memcpy(s->sorted, s->ids, s->n * sizeof *s->ids);
    qsort(s->sorted, s->n, sizeof *s->sorted, cmp_hash);
    return 0;
bad:
    s->n = 0;
    return ES_EPARSE;
}

int es_seen_has(const es_seen_t *s, const es_seen_hash_t *h)
{
    return s->n && bsearch(h, s->sorted, s->n, sizeof *s->sorted, cmp_hash) != NULL;
}

char *es_seen_dump(const es_seen_t *old, const es_seen_hash_t *cur, size_t n_cur, size_t limit)
{
    size_t max = limit > n_cur ? limit : n_cur;
    size_t total = n_cur + old->n;
    /* Sorted copy of what is written so far, to drop duplicates. */
    es_seen_hash_t *taken = malloc((total ? total : 1) * sizeof *taken);
    char *out = malloc(2 + (max ? max : 1) * (ES_SEEN_HASH_LEN + 3) + 1);
    if (!taken || !out) {
        free(taken);
        free(out);
        return NULL;
    }
    size_t nt = 0, o = 0, written = 0;
    out[o++] = '[';
    for (size_t pass = 0; pass < 2; pass++) {
        const es_seen_hash_t *src = pass ? old->ids : cur;
        size_t n = pass ? old->n : n_cur;
        for (size_t i = 0; i < n && written < max; i++) {
            /* Linear insertion keeps `taken` sorted; n is at most a few
             * thousand and this runs once per fetch. */
            size_t lo = 0, hi = nt;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (cmp_hash(&taken[mid], &src[i]) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < nt && cmp_hash(&taken[lo], &src[i]) == 0)
                continue;
            memmove(&taken[lo + 1], &taken[lo], (nt - lo) * sizeof *taken);
            taken[lo] = src[i];
            nt++;
            if (written++)
                out[o++] = ',';
            out[o++] = '"';
            memcpy(out + o, src[i].hex, ES_SEEN_HASH_LEN);
            o += ES_SEEN_HASH_LEN;
            out[o++] = '"';
        }
    }
    out[o++] = ']';
    out[o] = '\0';
    free(taken);
    return out;
}

void es_seen_free(es_seen_t *s)
{
    free(s->ids);
    free(s->sorted);
    memset(s, 0, sizeof *s);
}
