#include "inventory.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <earshot/file.h>
#include "util.h"

const char *es__acct_status_name(es_acct_status_t s)
{
    return s == ES_ACCT_ACTIVE ? "active" : s == ES_ACCT_DORMANT ? "dormant" : "sunset";
}

static char *lower_handle(const char *h)
{
    while (*h == '@')
        h++;
    char *s = es__strdup(h);
    for (char *p = s; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

/* "network:handle" with the handle lowercased and without its '@', in
 * buf when it fits, else in a malloc'd *heap; NULL on ENOMEM. Lookups
 * build one for every mention and every @handle in it: on the stack. */
static char *key_into(char *buf, size_t cap, char **heap, const char *network, const char *handle)
{
    while (*handle == '@')
        handle++;
    size_t nl = strlen(network), hl = strlen(handle);
    char *k = buf;
    *heap = NULL;
    if (nl + 2 + hl > cap && !(k = *heap = malloc(nl + 2 + hl)))
        return NULL;
    memcpy(k, network, nl);
    k[nl] = ':';
    for (size_t i = 0; i <= hl; i++)
        k[nl + 1 + i] = (char)tolower((unsigned char)handle[i]);
    return k;
}

static char *make_key(const char *network, const char *handle)
{
    char *heap;
    key_into(NULL, 0, &heap, network, handle);
    return heap;
}

/* ---- CSV ------------------------------------------------------------------ */

/* Splits one CSV record (RFC 4180: quotes, doubled quotes, commas inside
 * quotes; no embedded newlines, which an inventory never needs). Returns
 * the field count, or -1 on an unterminated quote. */
static int csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return n;
        char *out = p, *start = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0')
                    return -1;
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++; /* text after a closing quote is ignored */
        } else {
            while (*p && *p != ',')
                *out++ = *p++;
        }
        char sep = *p;
        *out = '\0';
        fields[n++] = es__trim(start);
        if (sep != ',')
            return n;
        p++;
    }
}

enum { C_NETWORK, C_HANDLE, C_BRAND, C_OWNER, C_STATUS, C_URL, C_NOTES, C_N };
static const char *const col_names[C_N] = {"network", "handle", "brand", "owner", "status", "url", "notes"};

static int cmp_acct(const void *a, const void *b)
{
    return strcmp(((const es_account_t *)a)->key, ((const es_account_t *)b)->key);
}

static void acct_free(es_account_t *a)
{
    free(a->network);
    free(a->handle);
    free(a->brand);
    free(a->owner);
    free(a->url);
    free(a->notes);
    free(a->key);
    free(a->norm);
}

int es__accounts_load(const char *path, es_accounts_t **out, es_diag_t *diag)
{
    *out = NULL;
    char oerr[256];
    int fd = es_file_open_regular(path, NULL, oerr, sizeof oerr); /* a FIFO would block the loop */
    FILE *f = NULL;
    if (fd >= 0 && !(f = fdopen(fd, "r"))) {
        snprintf(oerr, sizeof oerr, "%s", strerror(errno));
        close(fd);
    }
    if (!f) {
        es__diag_add(diag, path, 0, "cannot open inventory: %s", oerr);
        return ES_EIO;
    }
    es_accounts_t *a = calloc(1, sizeof *a);
    if (!a || !(a->path = es__strdup(path))) {
        free(a);
        fclose(f);
        return ES_ENOMEM;
    }
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    int lineno = 0, col[C_N];
    int have_header = 0;
    for (int i = 0; i < C_N; i++)
        col[i] = -1;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *t = line;
        if (lineno == 1 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB &&
            (unsigned char)t[2] == 0xBF)
            t += 3; /* UTF-8 BOM from spreadsheet exports */
        if (*es__trim(t) == '\0' || t[0] == '#')
            continue;
        char *fields[16];
        int n = csv_split(t, fields, 16);
        if (n < 0) {
            es__diag_add(diag, path, lineno, "unterminated quote");
            continue;
        }
        if (!have_header) {
            have_header = 1;
            for (int i = 0; i < n; i++)
                for (int c = 0; c < C_N; c++)
                    if (strcasecmp(fields[i], col_names[c]) == 0)
                        col[c] = i;
            for (int c = 0; c <= C_STATUS; c++)
                if (col[c] < 0)
                    es__diag_add(diag, path, lineno, "header lacks the column '%s' (need network,handle,brand,owner,status)",
                                col_names[c]);
            if (col[C_NETWORK] < 0 || col[C_HANDLE] < 0 || col[C_BRAND] < 0 || col[C_STATUS] < 0 ||
                col[C_OWNER] < 0)
                break;
            continue;
        }
        const char *v[C_N];
        for (int c = 0; c < C_N; c++)
            v[c] = col[c] >= 0 && col[c] < n ? fields[col[c]] : "";
        if (!*v[C_NETWORK] || !*v[C_HANDLE]) {
            es__diag_add(diag, path, lineno, "network and handle are required");
            continue;
        }
        es_acct_status_t st;
        if (!strcasecmp(v[C_STATUS], "active"))
            st = ES_ACCT_ACTIVE;
        else if (!strcasecmp(v[C_STATUS], "dormant"))
            st = ES_ACCT_DORMANT;
        else if (!strcasecmp(v[C_STATUS], "sunset"))
            st = ES_ACCT_SUNSET;
        else {
            es__diag_add(diag, path, lineno, "status must be active, dormant or sunset, got '%s'", v[C_STATUS]);
            continue;
        }
        if (a->n == alloc) {
            alloc = alloc ? alloc * 2 : 64;
            es_account_t *nv = realloc(a->v, alloc * sizeof *nv);
            if (!nv)
                break;
            a->v = nv;
        }
        es_account_t *ac = &a->v[a->n];
        memset(ac, 0, sizeof *ac);
        const char *h = v[C_HANDLE];
        while (*h == '@')
            h++;
        ac->network = lower_handle(v[C_NETWORK]);
        ac->handle = es__strdup(h);
        ac->brand = es__strdup(v[C_BRAND]);
        ac->owner = es__strdup(v[C_OWNER]);
        ac->url = es__strdup(v[C_URL]);
        ac->notes = es__strdup(v[C_NOTES]);
        ac->status = st;
        ac->key = make_key(ac->network, h);
        char norm[128];
        es__handle_fold(h, norm, sizeof norm);
        ac->norm = es__strdup(norm);
        ac->file = a->path;
        ac->line = lineno;
        a->n++;
    }
    free(line);
    fclose(f);
    if (a->n)
        qsort(a->v, a->n, sizeof *a->v, cmp_acct);
    /* Duplicates sit next to each other once sorted. */
    size_t w = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (w > 0 && strcmp(a->v[w - 1].key, a->v[i].key) == 0) {
            es__diag_add(diag, path, a->v[i].line, "duplicate account %s (first at line %d)", a->v[i].key,
                        a->v[w - 1].line);
            acct_free(&a->v[i]);
            continue;
        }
        a->v[w++] = a->v[i];
    }
    a->n = w;
    *out = a;
    return 0;
}

void es__accounts_free(es_accounts_t *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        acct_free(&a->v[i]);
    free(a->v);
    free(a->path);
    free(a);
}

static void csv_field(FILE *out, const char *s, int last)
{
    s = s ? s : "";
    if (strpbrk(s, ",\"\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputc(last ? '\n' : ',', out);
}

int es__accounts_write_csv(const es_accounts_t *a, FILE *out)
{
    fputs("network,handle,brand,owner,status,url,notes\n", out);
    /* File order (line numbers) so a round trip keeps the admin's order. */
    size_t *order = malloc((a->n + 1) * sizeof *order);
    if (!order)
        return ES_ENOMEM;
    for (size_t i = 0; i < a->n; i++)
        order[i] = i;
    for (size_t i = 1; i < a->n; i++)
        for (size_t j = i; j > 0 && a->v[order[j]].line < a->v[order[j - 1]].line; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < a->n; i++) {
        const es_account_t *ac = &a->v[order[i]];
        csv_field(out, ac->network, 0);
        csv_field(out, ac->handle, 0);
        csv_field(out, ac->brand, 0);
        csv_field(out, ac->owner, 0);
        csv_field(out, es__acct_status_name(ac->status), 0);
        csv_field(out, ac->url, 0);
        csv_field(out, ac->notes, 1);
    }
    free(order);
    return ferror(out) ? ES_EIO : 0;
}

const es_account_t *es__accounts_find(const es_accounts_t *a, const char *network, const char *handle)
{
    if (!a || !a->n || !network || !handle)
        return NULL;
    char buf[256], *heap, *k = key_into(buf, sizeof buf, &heap, network, handle);
    if (!k)
        return NULL;
    es_account_t probe = {.key = k};
    const es_account_t *r = bsearch(&probe, a->v, a->n, sizeof *a->v, cmp_acct);
    free(heap);
    return r;
}

/* ---- lookalikes ---------------------------------------------------------- */

void es__handle_fold(const char *h, char *out, size_t outlen)
{
    size_t o = 0;
    while (*h == '@')
        h++;
    for (; *h && o + 1 < outlen; h++) {
        char c = (char)tolower((unsigned char)*h);
        if (c == '_' || c == '.' || c == '-')
            continue;
        /* Letters that render alike in common fonts. */
        if ((c == 'r' && tolower((unsigned char)h[1]) == 'n') ||
            (c == 'v' && tolower((unsigned char)h[1]) == 'v') ||
            (c == 'c' && tolower((unsigned char)h[1]) == 'l')) {
            out[o++] = c == 'r' ? 'm' : c == 'v' ? 'w' : 'd';
            h++;
            continue;
        }
        switch (c) {
        case '0': c = 'o'; break;
        case '1': c = 'l'; break;
        case '3': c = 'e'; break;
        case '4': c = 'a'; break;
        case '5': c = 's'; break;
        case '7': c = 't'; break;
        case '8': c = 'b'; break;
        case 'i': c = 'l'; break; /* I/l/1 are the classic trio */
        }
        out[o++] = c;
    }
    out[o] = '\0';
}

int es__edit_distance(const char *a, const char *b, int cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((int)(la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    if (lb > 127)
        return cap + 1;
    int prev[128], cur[128];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        int best = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (cur[j] < best)
                best = cur[j];
        }
        if (best > cap)
            return cap + 1;
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

/* Words that make "brand + word" read like an official account. */
static const char *const service_words[] = {
    "helpdesk", "support", "official", "service", "services", "global", "care", "help", "team",
    "desk", "news", "info", "hq", "cs", "app",
    /* country codes */
    "uk", "us", "usa", "fr", "de", "es", "it", "ca", "au", "in", "jp", "br", "mx", "nl", "be",
    "ch", "ie", "nz", "za", "sg", NULL,
};

/* Non-zero when s (folded) is made only of service words. */
static int only_service_words(const char *s)
{
    if (!*s)
        return 0;
    while (*s) {
        const char *const *w;
        for (w = service_words; *w; w++) {
            char fw[32];
            es__handle_fold(*w, fw, sizeof fw);
            size_t n = strlen(fw);
            if (strncmp(s, fw, n) == 0) {
                s += n;
                break;
            }
        }
        if (!*w)
            return 0;
    }
    return 1;
}

int es__lookalike_check(const es_accounts_t *a, const es_config_t *cfg, const char *network,
                       const char *handle, es_lookalike_t *out)
{
    memset(out, 0, sizeof *out);
    if (!handle || !*handle || !network)
        return 0;
    char norm[128];
    es__handle_fold(handle, norm, sizeof norm);
    size_t ln = strlen(norm);
    if (ln < 3)
        return 0;
    /* Rule 1: close to an official handle of the same network. Short
     * handles allow no edit (only folding), since "acme" vs "acne" is two
     * different words, not an impersonation. */
    for (size_t i = 0; a && i < a->n; i++) {
        const es_account_t *ac = &a->v[i];
        if (strcmp(ac->network, network) != 0)
            continue;
        size_t lo = strlen(ac->norm);
        int cap = lo <= 4 ? 0 : lo <= 8 ? 1 : 2;
        int d = es__edit_distance(norm, ac->norm, cap);
        if (d > cap)
            continue;
        double score = d == 0 ? 1.0 : 1.0 - (double)d / (double)(lo + 1);
        if (score > out->score) {
            out->like = ac;
            out->brand = ac->brand;
            out->score = score;
            if (d == 0)
                snprintf(out->reason, sizeof out->reason,
                         "same as official @%.60s once case, separators and look-alike characters are folded",
                         ac->handle);
            else
                snprintf(out->reason, sizeof out->reason, "edit distance %d to official @%.100s", d, ac->handle);
        }
    }
    if (out->score > 0)
        return 1;
    /* Rule 2: a brand keyword plus only service words / country codes,
     * on either side ("acmesupport", "officialacme", "acme_help_uk"). A
     * keyword plus anything else ("acmefan", "johnacme") is a customer. */
    for (size_t b = 0; cfg && b < cfg->n_brands; b++) {
        for (size_t k = 0; k < cfg->brands[b].n_keywords; k++) {
            char kw[128];
            es__handle_fold(cfg->brands[b].keywords[k], kw, sizeof kw);
            for (char *p = kw; *p; p++)
                if (*p == ' ')
                    memmove(p, p + 1, strlen(p));
            size_t lk = strlen(kw);
            if (lk < 3)
                continue;
            const char *at = strstr(norm, kw);
            if (!at)
                continue;
            char rest[128];
            snprintf(rest, sizeof rest, "%.*s%s", (int)(at - norm), norm, at + lk);
            if (only_service_words(rest)) {
                out->brand = cfg->brands[b].name;
                out->score = 0.8;
                snprintf(out->reason, sizeof out->reason,
                         "brand keyword '%.60s' with service words '%.60s'", cfg->brands[b].keywords[k], rest);
                return 1;
            }
        }
    }
    return 0;
}
