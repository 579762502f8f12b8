/*
 * Topic phrases: two- and three-word n-grams of the raw word sequence, so
 * "refund still pending" reads as the customer wrote it (the spike
 * detector's words drop stop words first, which glues unrelated words).
 * A phrase may hold a stop word inside ("charged twice for") but neither
 * starts nor ends with one; URLs, @handles, #tags and numbers break it.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "spike/internal.h"

#define MAX_TOKENS 160
#define TOKEN_MAX 32

typedef struct {
    char w[TOKEN_MAX];
    int stop;  /* a stop word: may be inside a phrase, not at its ends */
    int brk;   /* a URL, handle or number: no phrase crosses it */
} tok_t;

static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
           c == '\'';
}

static size_t tokens(const es_spike_map_t *stop, const char *s, tok_t *out, size_t max)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p && n < max) {
        if (!strncmp((const char *)p, "http://", 7) || !strncmp((const char *)p, "https://", 8) ||
            *p == '@' || *p == '#') {
            while (*p && *p != ' ' && *p != '\n' && *p != '\t')
                p++;
            if (n && !out[n - 1].brk)
                out[n++] = (tok_t){.brk = 1};
            continue;
        }
        if (!word_byte(*p)) {
            /* Sentence ends break phrases; other punctuation does too. */
            if (*p != ' ' && n && !out[n - 1].brk)
                out[n++] = (tok_t){.brk = 1};
            p++;
            continue;
        }
        tok_t t = {0};
        size_t l = 0;
        int digits = 1;
        while (*p && word_byte(*p)) {
            if (l + 1 < TOKEN_MAX)
                t.w[l++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            digits &= *p >= '0' && *p <= '9';
            p++;
        }
        while (l && t.w[l - 1] == '\'')
            l--;
        t.w[l] = '\0';
        if (!l)
            continue;
        t.brk = digits || es__report_only_pictographs(t.w); /* emoji: no words of a phrase */
        t.stop = l < 2 || es__spike_map_get(stop, t.w, l) != NULL;
        out[n++] = t;
    }
    return n;
}

void es__report_phrases_add(const struct es_spike_map *stop, json_t *counts, const char *title, const char *text)
{
    tok_t *tk = malloc(sizeof *tk * (MAX_TOKENS * 2 + 2));
    if (!tk)
        return;
    size_t n = tokens(stop, title, tk, MAX_TOKENS);
    if (n && !tk[n - 1].brk)
        tk[n++] = (tok_t){.brk = 1};
    n += tokens(stop, text, tk + n, MAX_TOKENS);
    /* Each phrase once per text: a mention repeating itself is one voice. */
    json_t *seen = json_object();
    for (size_t i = 0; i < n; i++) {
        if (tk[i].brk || tk[i].stop)
            continue;
        char ph[3 * TOKEN_MAX + 4];
        size_t l = strlen(tk[i].w);
        memcpy(ph, tk[i].w, l + 1);
        for (size_t k = 1; k < 3 && i + k < n && !tk[i + k].brk; k++) {
            size_t wl = strlen(tk[i + k].w);
            ph[l++] = ' ';
            memcpy(ph + l, tk[i + k].w, wl + 1);
            l += wl;
            if (!tk[i + k].stop && !json_object_get(seen, ph)) {
                json_object_set_new(seen, ph, json_true());
                json_t *c = json_object_get(counts, ph);
                json_object_set_new(counts, ph, json_integer(c ? json_integer_value(c) + 1 : 1));
            }
        }
    }
    json_decref(seen);
    free(tk);
}

typedef struct {
    const char *ph;
    json_int_t n;
    size_t words;
} cand_t;

static int by_count(const void *x, const void *y)
{
    const cand_t *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    if (a->words != b->words) /* the longer phrase says more */
        return a->words > b->words ? -1 : 1;
    return strcmp(a->ph, b->ph);
}

json_t *es__report_phrases_top(json_t *counts, size_t max)
{
    json_t *out = json_array();
    size_t n = json_object_size(counts), k = 0;
    cand_t *cv = calloc(n ? n : 1, sizeof *cv);
    const char *ph;
    json_t *c;
    json_object_foreach(counts, ph, c) {
        if (!cv || json_integer_value(c) < 2)
            continue;
        size_t words = 1;
        for (const char *q = ph; *q; q++)
            words += *q == ' ';
        cv[k++] = (cand_t){ph, json_integer_value(c), words};
    }
    if (k)
        qsort(cv, k, sizeof *cv, by_count);
    for (size_t i = 0; i < k && json_array_size(out) < max; i++) {
        /* "refund still" adds nothing next to "refund still pending". */
        size_t j;
        json_t *x;
        int inside = 0;
        json_array_foreach(out, j, x) inside |= strstr(json_string_value(json_object_get(x, "phrase")), cv[i].ph) != NULL;
        if (!inside)
            json_array_append_new(out, json_pack("{s:s, s:I}", "phrase", cv[i].ph, "n", cv[i].n));
    }
    free(cv);
    return out;
}
