/*
 * Lexicon hash tables and their loader. Open addressing with linear probing:
 * lexicons are built once at start and only read afterwards, so there is no
 * deletion and no need for anything cleverer. Keys live in one arena so a
 * table is two allocations whatever its size.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <earshot/file.h>
#include "internal.h"
#include <earshot/text.h>

void es__lex_init(es_lex_t *t)
{
    memset(t, 0, sizeof *t);
}

void es__lex_free(es_lex_t *t)
{
    free(t->slots);
    free(t->fp);
    free(t->keys);
    es__lex_init(t);
}

size_t es__lex_memory(const es_lex_t *t)
{
    return (t->slots ? (size_t)(t->mask + 1) * (sizeof *t->slots + sizeof *t->fp) : 0) + t->keys_cap;
}

static es_lex_slot_t *es_lex_find(const es_lex_t *t, uint32_t h, const char *key, size_t len)
{
    if (!t->slots)
        return NULL;
    for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
        es_lex_slot_t *sl = &t->slots[i];
        if (sl->hash == 0)
            return sl;
        if (sl->hash == h && sl->key_len == len && memcmp(t->keys + sl->key_off, key, len) == 0)
            return sl;
    }
}

static int es_lex_grow(es_lex_t *t)
{
    uint32_t ncap = t->slots ? (t->mask + 1) * 2 : 1024;
    es_lex_slot_t *ns = calloc(ncap, sizeof *ns);
    uint16_t *nf = calloc(ncap, sizeof *nf);
    if (!ns || !nf) {
        free(ns);
        free(nf);
        return ES_ENOMEM;
    }
    if (t->slots) {
        for (uint32_t i = 0; i <= t->mask; i++) {
            es_lex_slot_t *sl = &t->slots[i];
            if (!sl->hash)
                continue;
            uint32_t j = sl->hash & (ncap - 1);
            while (ns[j].hash)
                j = (j + 1) & (ncap - 1);
            ns[j] = *sl;
            nf[j] = es__lex_fp(sl->hash);
        }
    }
    free(t->slots);
    free(t->fp);
    t->slots = ns;
    t->fp = nf;
    t->mask = ncap - 1;
    return 0;
}

static es_lex_slot_t *es__lex_upsert(es_lex_t *t, const char *key, size_t len)
{
    if (len == 0 || len > UINT16_MAX)
        return NULL;
    /* Load factor at most 1/2 keeps probe runs short for misses, which are
     * the common case: most tokens are not in the lexicon. */
    if (!t->slots || (t->count + 1) * 2 > t->mask + 1) {
        if (es_lex_grow(t) < 0)
            return NULL;
    }
    uint32_t h = es__hash(key, len);
    es_lex_slot_t *sl = es_lex_find(t, h, key, len);
    if (sl->hash)
        return sl;
    if (t->keys_len + len > t->keys_cap) {
        size_t ncap = t->keys_cap ? t->keys_cap : 16384;
        while (t->keys_len + len > ncap)
            ncap *= 2;
        char *nk = realloc(t->keys, ncap);
        if (!nk)
            return NULL;
        t->keys = nk;
        t->keys_cap = ncap;
    }
    memcpy(t->keys + t->keys_len, key, len);
    sl->hash = h;
    t->fp[sl - t->slots] = es__lex_fp(h);
    sl->key_off = (uint32_t)t->keys_len;
    sl->key_len = (uint16_t)len;
    sl->flags = 0;
    sl->head_words = 0;
    sl->stop = 0;
    sl->valence = 0;
    t->keys_len += len;
    t->count++;
    return sl;
}

int es__lex_put(es_lex_t *t, const char *key, size_t len, uint8_t flags, float valence)
{
    es_lex_slot_t *sl = es__lex_upsert(t, key, len);
    if (!sl)
        return ES_ENOMEM;
    sl->flags |= flags;
    if (flags & (ES_W_VAL | ES_W_BOOST))
        sl->valence = valence;
    const char *sp = memchr(key, ' ', len);
    if (sp) {
        unsigned words = 1;
        for (size_t i = 0; i < len; i++)
            words += key[i] == ' ';
        es_lex_slot_t *head = es__lex_upsert(t, key, (size_t)(sp - key));
        if (!head)
            return ES_ENOMEM;
        head->flags |= ES_W_HEAD;
        if (words > head->head_words)
            head->head_words = (uint8_t)(words > 31 ? 31 : words);
    }
    return 0;
}

int es__lex_put_stop(es_lex_t *t, const char *key, size_t len, unsigned mask)
{
    es_lex_slot_t *sl = es__lex_upsert(t, key, len);
    if (!sl)
        return ES_ENOMEM;
    sl->stop |= mask & 7;
    return 0;
}

const es_lex_slot_t *es__lex_get(const es_lex_t *t, const char *key, size_t len)
{
    return es__lex_get_h(t, es__hash(key, len), key, len);
}


static void es_err(char *err, size_t errlen, const char *fmt, const char *path, long line,
                   const char *what)
{
    if (!err || !errlen)
        return;
    if (line > 0)
        snprintf(err, errlen, "%s:%ld: %s", path, line, what);
    else
        snprintf(err, errlen, fmt, path, what);
}

/* Lower-cases key in place (ASCII and the Latin letters French needs) and
 * folds the typographic apostrophe, so admin files may be written naturally.
 * Returns the new length. */
static size_t es_key_normalise(char *key, size_t n)
{
    char tmp[1024];
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < sizeof tmp;) {
        size_t l;
        uint32_t cp = es__utf8_decode((const unsigned char *)key + i, n - i, &l);
        i += l;
        if (cp == 0x2019)
            cp = '\'';
        o += es_utf8_put(tmp + o, es__cp_lower(cp));
    }
    memcpy(key, tmp, o);
    return o;
}

static int es_is_single_emoji(const char *k, size_t n)
{
    size_t l;
    uint32_t cp = es__utf8_decode((const unsigned char *)k, n, &l);
    if (!es__cp_is_emoji(cp))
        return 0;
    while (l < n) {
        size_t l2;
        uint32_t c2 = es__utf8_decode((const unsigned char *)k + l, n - l, &l2);
        if (!es__cp_is_emoji_mod(c2))
            return 0;
        l += l2;
    }
    return 1;
}

int es__lex_load_file(const char *path, es_lex_t *en, es_lex_t *fr, es_lex_t *emoji,
                     int required, char *err, size_t errlen)
{
    char oerr[256];
    int fd = es_file_open_regular(path, NULL, oerr, sizeof oerr); /* never block on a FIFO */
    FILE *f = NULL;
    if (fd >= 0 && !(f = fdopen(fd, "r"))) {
        snprintf(oerr, sizeof oerr, "%s", strerror(errno));
        close(fd);
        fd = ES_EIO;
    }
    if (!f) {
        if (!required && fd == ES_ENOENT)
            return 0;
        es_err(err, errlen, "%s: %s", path, 0, oerr);
        return fd == ES_ENOENT ? ES_ENOENT : ES_EIO;
    }
    char line[1024];
    long lineno = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            es_err(err, errlen, NULL, path, lineno, "line too long");
            rc = ES_EPARSE;
            break;
        }
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || (line[0] == '#' && (n == 1 || line[1] == ' ')))
            continue;
        char *tab = strchr(line, '\t');
        if (!tab || tab == line) {
            es_err(err, errlen, NULL, path, lineno, "expected word<TAB>valence");
            rc = ES_EPARSE;
            break;
        }
        *tab = '\0';
        char *vs = tab + 1, *lang = strchr(vs, '\t');
        if (lang)
            *lang++ = '\0';
        char *end;
        errno = 0;
        double v = strtod(vs, &end);
        if (end == vs || *end != '\0' || errno || !isfinite(v)) {
            es_err(err, errlen, NULL, path, lineno, "valence is not a number");
            rc = ES_EPARSE;
            break;
        }
        if (v < -4.0 || v > 4.0) {
            es_err(err, errlen, NULL, path, lineno, "valence outside -4..4");
            rc = ES_EPARSE;
            break;
        }
        es_lex_t *only = NULL;
        if (lang) {
            if (strcmp(lang, "en") == 0 && en)
                only = en;
            else if (strcmp(lang, "fr") == 0 && fr)
                only = fr;
            else {
                es_err(err, errlen, NULL, path, lineno, "third column must be en or fr");
                rc = ES_EPARSE;
                break;
            }
        }
        size_t kl = es_key_normalise(line, (size_t)(tab - line));
        if (emoji && ((!en && !fr) || es_is_single_emoji(line, kl))) {
            rc = es__lex_put(emoji, line, kl, ES_W_VAL, (float)v);
        } else if (only) {
            rc = es__lex_put(only, line, kl, ES_W_VAL, (float)v);
        } else {
            if (en && rc == 0)
                rc = es__lex_put(en, line, kl, ES_W_VAL, (float)v);
            if (fr && rc == 0)
                rc = es__lex_put(fr, line, kl, ES_W_VAL, (float)v);
        }
        if (rc < 0) {
            es_err(err, errlen, NULL, path, lineno, "out of memory");
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        es_err(err, errlen, "%s: %s", path, 0, "read error");
        rc = ES_EIO;
    }
    fclose(f);
    return rc;
}
