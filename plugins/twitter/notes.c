/* note-tweet.js; see notes.h. */
#include "notes.h"

#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>
#include <earshot/strbuf.h>
#include <earshot/text.h>
#include <earshot/date.h>
#include "tjson.h"

#define each(e, arr) for (tj_t *e = (arr) ? (arr)->first : NULL; e; e = e->next)

/* How much of the two texts' starts must agree: enough to tell apart two
 * posts of the same second, short enough to end before the first link. */
#define PREFIX 24

static const char *sget(const tj_t *o, const char *k)
{
    return tj_str(tj_get(o, k));
}

/* text with each short link of `urls` replaced by its target, then the
 * character references decoded (the archive escapes &, < and > here as in
 * tweets.js). malloc'd; NULL on ENOMEM. */
static char *expand(const char *text, const tj_t *urls)
{
    es_strbuf_t b = {0};
    const char *p = text;
    while (*p) {
        const char *hit = NULL, *to = NULL;
        size_t hl = 0;
        each(u, urls) {
            const char *from = sget(u, "shortUrl") ? sget(u, "shortUrl") : sget(u, "url");
            const char *target = sget(u, "expandedUrl") ? sget(u, "expandedUrl") : sget(u, "expanded_url");
            if (!from || !*from || !target)
                continue;
            const char *at = strstr(p, from);
            /* The earliest match; of two at one place, the longer link. */
            if (at && (!hit || at < hit || (at == hit && strlen(from) > hl))) {
                hit = at;
                hl = strlen(from);
                to = target;
            }
        }
        if (!hit) {
            es_strbuf_put(&b, p, strlen(p));
            break;
        }
        es_strbuf_put(&b, p, (size_t)(hit - p));
        es_strbuf_put(&b, to, strlen(to));
        p = hit + hl;
    }
    char *raw = es_strbuf_take(&b, NULL);
    if (!raw)
        return NULL;
    char *d = es_entities_decode(raw, strlen(raw), NULL);
    free(raw);
    return d;
}

static int by_time(const void *a, const void *b)
{
    const tw_note_t *x = a, *y = b;
    return (x->created > y->created) - (x->created < y->created);
}

int tw_notes_parse(const char *p, size_t n, tw_notes_t *notes)
{
    memset(notes, 0, sizeof *notes);
    const char *lb = memchr(p, '[', n);
    if (!lb)
        return ES_EPARSE;
    const char *rb = p + n; /* the array may be followed by ';' */
    while (rb > lb && rb[-1] != ']')
        rb--;
    tj_doc_t doc = {0};
    tj_t *v = tj_parse(&doc, lb, (size_t)(rb - lb));
    if (!v || v->type != TJ_ARR) {
        tj_free(&doc);
        return ES_EPARSE;
    }
    int rc = 0;
    if (v->len && !(notes->v = calloc(v->len, sizeof *notes->v)))
        rc = ES_ENOMEM;
    each(e, v) {
        if (rc)
            break;
        tj_t *note = tj_obj(tj_get(e, "noteTweet"));
        tj_t *core = tj_obj(tj_get(note, "core"));
        const char *text = sget(core, "text"), *created = sget(note, "createdAt");
        int64_t t;
        if (!text || !created || es_time_parse(created, &t) < 0) {
            notes->bad++;
            continue;
        }
        char *full = expand(text, tj_arr(tj_get(core, "urls")));
        if (!full) {
            rc = ES_ENOMEM;
            break;
        }
        notes->v[notes->n++] = (tw_note_t){t, full};
    }
    tj_free(&doc);
    if (rc) {
        tw_notes_free(notes);
        return rc;
    }
    qsort(notes->v, notes->n, sizeof *notes->v, by_time);
    return 0;
}

/* The first bytes of text, decoded, up to PREFIX bytes or the first link
 * (the tweet's are t.co, the note's expanded). */
static size_t head(const char *text, char *out, size_t cap)
{
    size_t n = strlen(text) < 4 * PREFIX ? strlen(text) : 4 * PREFIX;
    size_t dl;
    char *d = es_entities_decode(text, n, &dl);
    if (!d)
        return 0;
    const char *link = strstr(d, "http");
    size_t k = link ? (size_t)(link - d) : dl;
    if (k > PREFIX)
        k = PREFIX;
    if (k >= cap)
        k = cap - 1;
    memcpy(out, d, k);
    out[k] = '\0';
    free(d);
    return k;
}

const tw_note_t *tw_notes_find(const tw_notes_t *notes, int64_t created, const char *tweet_text)
{
    if (!notes || !notes->n || !created || !tweet_text)
        return NULL;
    /* The first note at or after created - 1. */
    size_t lo = 0, hi = notes->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (notes->v[mid].created < created - 1)
            lo = mid + 1;
        else
            hi = mid;
    }
    char want[PREFIX + 1];
    size_t wl = head(tweet_text, want, sizeof want);
    for (size_t i = lo; i < notes->n && notes->v[i].created <= created + 1; i++)
        if (strncmp(notes->v[i].text, want, wl) == 0)
            return &notes->v[i];
    return NULL;
}

void tw_notes_free(tw_notes_t *notes)
{
    for (size_t i = 0; i < notes->n; i++)
        free(notes->v[i].text);
    free(notes->v);
    memset(notes, 0, sizeof *notes);
}
