/*
 * Tweet JSON -> mentions; see tweet.h. Field choices follow what each API
 * documents as the complete text: extended_tweet.full_text over full_text
 * over text (v1.1 "extended mode"), note_tweet.text over text (v2 long
 * tweets). Twitter escapes &, < and > in tweet text in every format, so the
 * text is entity-decoded; t.co links are replaced by their targets from the
 * entities so the text says where it points.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "notes.h"
#include <earshot/strbuf.h>
#include <earshot/text.h>
#include <earshot/date.h>
#include "tjson.h"
#include "tweet.h"

#define MAX_ADDR 64
#define MAX_URLS 64

static const char *sget(const tj_t *o, const char *k)
{
    return tj_str(tj_get(o, k));
}

/* A string id, or an integer one written into buf (old v1.1 dumps). */
static const char *idget(const tj_t *o, const char *k)
{
    tj_t *v = tj_get(o, k);
    if (v && v->type == TJ_STR && v->len)
        return v->str;
    if (v && v->type == TJ_NUM && v->is_int && v->str[0] != '-' && strcmp(v->str, "0") != 0)
        return v->str;
    return NULL;
}

static tj_t *oget(const tj_t *o, const char *k)
{
    return tj_obj(tj_get(o, k));
}

static tj_t *aget(const tj_t *o, const char *k)
{
    return tj_arr(tj_get(o, k));
}

#define each(e, arr) for (tj_t *e = (arr) ? (arr)->first : NULL; e; e = e->next)

static tj_t *last_of(const tj_t *arr)
{
    tj_t *l = NULL;
    each(e, arr) l = e;
    return l;
}

/* A count as the formats give it: a JSON integer (the APIs) or a string
 * of digits (archives write every number as a string). */
static int count_get(const tj_t *o, const char *k, int64_t *v)
{
    tj_t *x = tj_get(o, k);
    if (!x || !((x->type == TJ_NUM && x->is_int) || x->type == TJ_STR))
        return 0;
    const char *p = x->str;
    size_t n = strlen(p);
    if (n == 0 || n > 18)
        return 0;
    int64_t c = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        c = c * 10 + (*p - '0');
    }
    *v = c;
    return 1;
}

int64_t tw_snowflake_time(const char *id)
{
    uint64_t n = 0;
    size_t len = 0;
    for (const char *p = id; p && *p; p++, len++) {
        if (*p < '0' || *p > '9' || len == 19)
            return 0;
        n = n * 10 + (uint64_t)(*p - '0');
    }
    /* 41 bits of milliseconds since Twitter's epoch (1288834974657) above
     * 22 bits of worker and sequence. The sequential ids before snowflake
     * stay below 3e10, which would decode to the epoch's first seconds:
     * anything under a day past it is not a snowflake. */
    uint64_t ms = n >> 22;
    if (ms < 86400000ull)
        return 0;
    return (int64_t)((ms + 1288834974657ull) / 1000);
}

/* ---- text -------------------------------------------------------------- */

typedef es_strbuf_t buf_t;

static void put(buf_t *b, const char *s, size_t n) { es_strbuf_put(b, s, n); }

char *tw_text_expand(const char *text, tj_t *const *url_arrays, size_t n_arrays)
{
    size_t dl;
    char *d = es_entities_decode(text, strlen(text), &dl);
    if (!d)
        return NULL;
    struct {
        const char *from, *to;
        size_t fl, tl;
    } pr[MAX_URLS];
    size_t np = 0;
    for (size_t a = 0; a < n_arrays; a++) {
        each(e, url_arrays[a]) {
            const char *from = sget(e, "url"), *to = sget(e, "expanded_url");
            if (!from || !to || !*from || !*to || np == MAX_URLS)
                continue;
            size_t k;
            for (k = 0; k < np && strcmp(pr[k].from, from) != 0; k++)
                ;
            if (k < np)
                continue; /* media entities repeat one link per picture */
            pr[np].from = from;
            pr[np].fl = strlen(from);
            pr[np].to = to;
            pr[np].tl = strlen(to);
            np++;
        }
    }
    if (np == 0)
        return d;
    buf_t b = {0};
    const char *p = d, *end = d + dl;
    while (p < end) {
        const char *h = memchr(p, 'h', (size_t)(end - p));
        if (!h) {
            put(&b, p, (size_t)(end - p));
            break;
        }
        /* The longest link that matches: https://t.co/a must not eat the
         * head of https://t.co/ab. */
        size_t k = np;
        for (size_t j = 0; j < np; j++)
            if ((size_t)(end - h) >= pr[j].fl && memcmp(h, pr[j].from, pr[j].fl) == 0 &&
                (k == np || pr[j].fl > pr[k].fl))
                k = j;
        if (k == np) {
            put(&b, p, (size_t)(h - p) + 1);
            p = h + 1;
            continue;
        }
        put(&b, p, (size_t)(h - p));
        put(&b, pr[k].to, pr[k].tl);
        p = h + pr[k].fl;
    }
    free(d);
    return es_strbuf_take(&b, NULL); /* "" when nothing was written */
}

/* ---- one mention -------------------------------------------------------- */

/* Everything a mention points to that is not borrowed from the JSON. */
typedef struct draft {
    es_mention_t m;
    const char *addr[MAX_ADDR];
    char *text, *url, *reply, *id; /* malloc'd (url, reply and id only when too long for their buffers) */
    char url_buf[128], reply_buf[64], id_buf[64];
} draft_t;

/* The concatenation of parts, in buf when it fits, else in a malloc'd
 * *heap; NULL on ENOMEM. A tweet's URL and reply id are short, and
 * asprintf for them was a twentieth of the whole pipeline. */
static char *join(char *buf, size_t cap, char **heap, const char *const *parts, size_t n)
{
    size_t len[4], total = 1;
    for (size_t i = 0; i < n; i++)
        total += len[i] = strlen(parts[i]);
    char *p = total <= cap ? buf : (*heap = malloc(total)), *w = p;
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        memcpy(w, parts[i], len[i]);
        w += len[i];
    }
    *w = '\0';
    return p;
}

static void metric(draft_t *d, int which, const tj_t *o, const char *k)
{
    int64_t v;
    if (o && count_get(o, k, &v)) {
        d->m.metrics[which] = v;
        d->m.metrics_given |= 1u << which;
    }
}

static void followers(draft_t *d, const tj_t *o, const char *k)
{
    int64_t v;
    if (o && count_get(o, k, &v)) {
        d->m.followers = v;
        d->m.followers_given = 1;
    }
}

/* A warning given once per file (see tw_out_t.once), counted every time. */
static void problem_once(tw_out_t *out, unsigned bit, const char *what, int dropped)
{
    if (out->once & bit) {
        if (dropped)
            out->problem(out->arg, NULL, 1);
        return;
    }
    out->once |= bit;
    out->problem(out->arg, what, dropped);
}

/* An edited tweet is listed once per version, each naming every version
 * in order: only the last is the tweet as it stands. The earlier ones are
 * not separate mentions. A list that does not name the tweet itself says
 * nothing about it. */
static int earlier_version(const char *id, const tj_t *edit_ids)
{
    const char *latest = tj_str(last_of(edit_ids));
    if (!latest || strcmp(latest, id) == 0)
        return 0;
    each(e, edit_ids) {
        const char *v = tj_str(e);
        if (v && strcmp(v, id) == 0)
            return 1;
    }
    return 0;
}

static void add_addressed(draft_t *d, const char *h)
{
    if (!h || !*h || d->m.n_addressed == MAX_ADDR)
        return;
    for (size_t i = 0; i < d->m.n_addressed; i++)
        if (strcasecmp(d->addr[i], h) == 0)
            return;
    d->addr[d->m.n_addressed++] = h;
}

static void add_mentions(draft_t *d, const tj_t *list, const char *key)
{
    each(e, list)
        add_addressed(d, sget(e, key));
}

static int finish(draft_t *d, const tw_opts_t *o, const char *native_id, const char *created,
                  const char *reply_id, tw_out_t *out)
{
    int rc = 0;
    /* "<network>:<id>", as normalise would make it, without its malloc. */
    const char *id_parts[] = {o->network, ":", native_id};
    d->m.id = join(d->id_buf, sizeof d->id_buf, &d->id, id_parts, 3);
    if (!d->m.id)
        d->m.id = native_id;
    d->m.network = o->network;
    if (!d->text) {
        out->problem(out->arg, "out of memory expanding the text", 1);
        rc = ES_ENOMEM;
        goto done;
    }
    d->m.text = d->text;
    if (d->m.lang && (strcmp(d->m.lang, "und") == 0 || !*d->m.lang))
        d->m.lang = NULL; /* "undetermined": let the sentiment stage guess */
    if (created && es_time_parse(created, &d->m.created_at) < 0) {
        char why[160];
        snprintf(why, sizeof why, "tweet %.32s: created_at \"%.60s\" is not a date; kept without one",
                 native_id, created);
        out->problem(out->arg, why, 0);
        d->m.created_at = 0;
    }
    if (reply_id) {
        const char *parts[] = {o->network, ":", reply_id};
        d->m.in_reply_to = join(d->reply_buf, sizeof d->reply_buf, &d->reply, parts, 3);
    }
    add_addressed(d, d->m.reply_to_author);
    d->m.addressed = d->addr;
    if (d->m.author && *d->m.author) {
        const char *parts[] = {"https://twitter.com/", d->m.author, "/status/", native_id};
        d->m.url = join(d->url_buf, sizeof d->url_buf, &d->url, parts, 4);
    } else {
        const char *parts[] = {"https://twitter.com/i/web/status/", native_id};
        d->m.url = join(d->url_buf, sizeof d->url_buf, &d->url, parts, 2);
    }
    out->emit(out->arg, &d->m);
    rc = 1;
done:
    free(d->text);
    free(d->url);
    free(d->reply);
    free(d->id);
    return rc;
}

static int starts_rt(const char *s)
{
    return s && strncmp(s, "RT @", 4) == 0;
}

/* Archive elements and API v1.1 statuses share one shape; archive tweets
 * lack `user` (the archive's owner wrote them). */
static int map_v1(const tj_t *t, const tw_opts_t *o, tw_out_t *out)
{
    draft_t d;
    memset(&d, 0, sizeof d);
    const char *id = sget(t, "id_str");
    if (!id || !*id)
        id = idget(t, "id");
    if (!id) {
        out->problem(out->arg, "tweet without \"id_str\" or \"id\"; skipped", 1);
        return 0;
    }
    tj_t *edit = oget(t, "edit_info");
    tj_t *edit_ids = aget(oget(edit, "initial"), "editTweetIds");
    if (!edit_ids)
        edit_ids = aget(oget(oget(edit, "edit"), "editControlInitial"), "editTweetIds");
    if (earlier_version(id, edit_ids)) {
        out->edits_skipped++;
        return 0;
    }
    tj_t *user = oget(t, "user");
    tj_t *rs = oget(t, "retweeted_status");
    tj_t *ext = oget(t, "extended_tweet");
    const char *own = ext ? sget(ext, "full_text") : NULL;
    if (!own)
        own = sget(t, "full_text");
    if (!own)
        own = sget(t, "text");
    if ((rs || starts_rt(own)) && !o->retweets) {
        out->retweets_skipped++;
        return 0;
    }
    if (user) {
        d.m.author = sget(user, "screen_name");
        d.m.author_name = sget(user, "name");
    } else {
        d.m.author = o->account;
        d.m.author_name = o->account_name;
    }
    /* A v1.1 retweet's own text is cut at 140 characters: the original's
     * full text, behind the usual "RT @author: " mark, says it all. */
    const tj_t *src = t;
    if (rs) {
        src = rs;
        ext = oget(rs, "extended_tweet");
    }
    const char *text = ext ? sget(ext, "full_text") : NULL;
    tj_t *ents, *xents;
    if (text) {
        ents = oget(ext, "entities");
        xents = oget(ext, "extended_entities");
    } else {
        text = sget(src, "full_text");
        if (!text)
            text = sget(src, "text");
        ents = oget(src, "entities");
        xents = oget(src, "extended_entities");
    }
    if (!text) {
        char why[96];
        snprintf(why, sizeof why, "tweet %.32s has no text; skipped", id);
        out->problem(out->arg, why, 1);
        return 0;
    }
    tj_t *arrs[3];
    size_t na = 0;
    tj_t *a;
    if ((a = aget(ents, "urls")))
        arrs[na++] = a;
    if ((a = aget(ents, "media")))
        arrs[na++] = a;
    if ((a = aget(xents, "media")))
        arrs[na++] = a;
    /* An archive's long post is cut in tweets.js; note-tweet.js has it
     * whole. */
    const tw_note_t *note = NULL;
    int64_t when;
    const char *ca = sget(t, "created_at");
    if (!user && !rs && o->notes && ca && es_time_parse(ca, &when) == 0)
        note = tw_notes_find(o->notes, when, text);
    char *body = note ? strdup(note->text) : tw_text_expand(text, arrs, na);
    if (rs && body) {
        const char *who = sget(oget(rs, "user"), "screen_name");
        char *rt = NULL;
        if (who && asprintf(&rt, "RT @%s: %s", who, body) >= 0) {
            free(body);
            body = rt;
        }
        add_addressed(&d, who);
    }
    d.text = body;
    d.m.lang = sget(t, "lang");
    d.m.reply_to_author = sget(t, "in_reply_to_screen_name");
    add_mentions(&d, aget(oget(t, "entities"), "user_mentions"), "screen_name");
    if (ents)
        add_mentions(&d, aget(ents, "user_mentions"), "screen_name");
    /* The tweet's own counts (a retweet's are the original's, as the
     * API gives them); quote and reply counts only in the premium and
     * enterprise APIs, views nowhere in v1.1. */
    metric(&d, ES_METRIC_LIKES, t, "favorite_count");
    metric(&d, ES_METRIC_REPOSTS, t, "retweet_count");
    metric(&d, ES_METRIC_REPLIES, t, "reply_count");
    metric(&d, ES_METRIC_QUOTES, t, "quote_count");
    followers(&d, user, "followers_count");
    const char *reply = sget(t, "in_reply_to_status_id_str");
    if (!reply || !*reply)
        reply = idget(t, "in_reply_to_status_id");
    return finish(&d, o, id, sget(t, "created_at"), reply, out);
}

/* A response's includes.users by id. Each of a page's tweets looks up
 * its author and the user it answers: a linear search made that quadratic
 * in the page size, a tenth of the whole pipeline's CPU for 100-tweet
 * pages, so the page's users go into a small hash table once (sorting
 * them was still a twentieth). */
typedef struct user_ref {
    const char *id; /* NULL: an empty slot */
    tj_t *user;
} user_ref_t;

typedef struct users_idx {
    const tj_t *users; /* searched linearly when there is no table */
    user_ref_t *slots;
    size_t cap;        /* a power of two, at least twice the users */
} users_idx_t;

static size_t id_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

static void users_idx_build(users_idx_t *x, const tj_t *users)
{
    memset(x, 0, sizeof *x);
    x->users = users;
    size_t n = 0;
    each(e, users) n++;
    if (n < 8)
        return; /* a few users: the linear search is as fast */
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    if (!(x->slots = calloc(cap, sizeof *x->slots)))
        return;
    x->cap = cap;
    each(e, users) {
        const char *id = sget(e, "id");
        if (!id)
            continue;
        size_t i = id_hash(id) & (cap - 1);
        while (x->slots[i].id && strcmp(x->slots[i].id, id) != 0)
            i = (i + 1) & (cap - 1);
        if (!x->slots[i].id) /* the first of equal ids wins, as in the document */
            x->slots[i] = (user_ref_t){id, e};
    }
}

/* The first entry with that id in the document. */
static tj_t *users_idx_find(const users_idx_t *x, const char *id)
{
    if (!id)
        return NULL;
    if (x->slots) {
        for (size_t i = id_hash(id) & (x->cap - 1); x->slots[i].id; i = (i + 1) & (x->cap - 1))
            if (strcmp(x->slots[i].id, id) == 0)
                return x->slots[i].user;
        return NULL;
    }
    each(e, x->users) {
        const char *eid = sget(e, "id");
        if (eid && strcmp(eid, id) == 0)
            return e;
    }
    return NULL;
}

/* The full text of a v2 tweet and the entities that go with it:
 * note_tweet (posts over 280 characters) over text. */
static const char *v2_text(const tj_t *t, tj_t **ents)
{
    tj_t *note = oget(t, "note_tweet");
    const char *text = note ? sget(note, "text") : NULL;
    if (text) {
        *ents = oget(note, "entities");
        return text;
    }
    *ents = oget(t, "entities");
    return sget(t, "text");
}

/* "RT @name: ..." -> name, copied into buf; NULL when text is no RT. */
static const char *rt_handle(const char *text, char *buf, size_t cap)
{
    if (!starts_rt(text))
        return NULL;
    const char *p = text + 4, *e = p;
    while (*e && *e != ':' && *e != ' ' && (size_t)(e - p) < cap - 1)
        e++;
    if (*e != ':' || e == p)
        return NULL;
    memcpy(buf, p, (size_t)(e - p));
    buf[e - p] = '\0';
    return buf;
}

/* An API v2 tweet; `users` and `tweets` index the response's
 * includes.users and includes.tweets (none for flattened tweets, which
 * carry `author` and `in_reply_to_user`, and the referenced tweets
 * inside referenced_tweets). */
static int map_v2(const tj_t *t, const users_idx_t *users, const users_idx_t *tweets, const tw_opts_t *o,
                  tw_out_t *out)
{
    draft_t d;
    memset(&d, 0, sizeof d);
    if (!t || t->type != TJ_OBJ) {
        out->problem(out->arg, "\"data\" entry is not an object; skipped", 1);
        return 0;
    }
    if (!tj_get(t, "text") && !oget(t, "note_tweet")) {
        /* Users, counts and lists come in the same envelope. */
        problem_once(out, TW_ONCE_NOT_TWEETS,
                     "v2 \"data\" entries without \"text\" (users, counts or lists, not tweets); skipped", 1);
        return 0;
    }
    const char *id = idget(t, "id");
    if (!id) {
        out->problem(out->arg, "v2 tweet without \"id\"; skipped", 1);
        return 0;
    }
    if (earlier_version(id, aget(t, "edit_history_tweet_ids"))) {
        out->edits_skipped++;
        return 0;
    }
    const char *reply = NULL, *rt_id = NULL, *quoted_id = NULL;
    tj_t *rt_inline = NULL;
    each(r, aget(t, "referenced_tweets")) {
        const char *type = sget(r, "type");
        if (type && strcmp(type, "retweeted") == 0) {
            rt_id = sget(r, "id");
            /* twarc2 flatten writes the original into the reference. */
            rt_inline = tj_get(r, "text") || oget(r, "note_tweet") ? r : NULL;
        } else if (type && strcmp(type, "replied_to") == 0) {
            reply = sget(r, "id");
        } else if (type && strcmp(type, "quoted") == 0) {
            quoted_id = sget(r, "id");
        }
    }
    tj_t *ents;
    const char *text = v2_text(t, &ents);
    int is_rt = rt_id != NULL || (starts_rt(text) && !oget(t, "referenced_tweets"));
    if (is_rt && !o->retweets) {
        out->retweets_skipped++;
        return 0;
    }
    if (!text) {
        char why[96];
        snprintf(why, sizeof why, "tweet %.32s has no text; skipped", id);
        out->problem(out->arg, why, 1);
        return 0;
    }
    tj_t *author = oget(t, "author");
    if (!author)
        author = users_idx_find(users, sget(t, "author_id"));
    if (!author)
        problem_once(out, TW_ONCE_NO_AUTHOR,
                     users->users ? "v2 tweets whose author_id is not in includes.users; kept without author"
                                  : "v2 tweets without their authors (no includes.users: request "
                                    "expansions=author_id); kept without author",
                     0);
    d.m.author = sget(author, "username");
    d.m.author_name = sget(author, "name");
    tj_t *to = oget(t, "in_reply_to_user");
    if (!to)
        to = users_idx_find(users, sget(t, "in_reply_to_user_id"));
    d.m.reply_to_author = sget(to, "username");
    /* A v2 retweet's own text is cut at about 140 characters ("…"): the
     * original's full text, from includes.tweets, behind "RT @author: ",
     * as for v1.1. */
    const tj_t *orig = rt_id ? (rt_inline ? rt_inline : users_idx_find(tweets, rt_id)) : NULL;
    char handle[64];
    const char *who = NULL;
    if (orig) {
        tj_t *oents;
        const char *otext = v2_text(orig, &oents);
        if (otext) {
            tj_t *oa = oget(orig, "author");
            if (!oa)
                oa = users_idx_find(users, sget(orig, "author_id"));
            who = sget(oa, "username");
            if (!who)
                who = rt_handle(text, handle, sizeof handle);
            if (who) {
                text = otext;
                ents = oents;
            }
        }
    } else if (rt_id) {
        problem_once(out, TW_ONCE_NO_RT_TEXT,
                     "v2 retweets without the original in includes.tweets (request "
                     "expansions=referenced_tweets.id): their text may be cut", 0);
    }
    tj_t *arrs[1] = {NULL};
    size_t na = 0;
    if (aget(ents, "urls"))
        arrs[na++] = aget(ents, "urls");
    char *body = tw_text_expand(text, arrs, na);
    if (who && body) {
        char *rt = NULL;
        if (asprintf(&rt, "RT @%s: %s", who, body) >= 0) {
            free(body);
            body = rt;
        }
        add_addressed(&d, who);
    }
    /* A quote links to the quoted tweet at the end of its text; when the
     * link is not there (posted as an attachment), add it, so the mention
     * still says what it answers. */
    if (quoted_id && body && !strstr(body, quoted_id)) {
        const tj_t *q = users_idx_find(tweets, quoted_id);
        const char *qa = sget(users_idx_find(users, sget(q, "author_id")), "username");
        char *qt = NULL;
        if (asprintf(&qt, "%s%shttps://twitter.com/%s/status/%s", body, *body ? " " : "", qa ? qa : "i/web",
                     quoted_id) >= 0) {
            free(body);
            body = qt;
        }
    }
    d.text = body;
    d.m.lang = sget(t, "lang");
    add_mentions(&d, aget(ents, "mentions"), "username");
    tj_t *pm = oget(t, "public_metrics");
    metric(&d, ES_METRIC_LIKES, pm, "like_count");
    metric(&d, ES_METRIC_REPOSTS, pm, "retweet_count");
    metric(&d, ES_METRIC_REPLIES, pm, "reply_count");
    metric(&d, ES_METRIC_QUOTES, pm, "quote_count");
    metric(&d, ES_METRIC_VIEWS, pm, "impression_count");
    followers(&d, oget(author, "public_metrics"), "followers_count");
    const char *created = sget(t, "created_at");
    if (!created) {
        /* Without tweet.fields=created_at; the id still says when. */
        d.m.created_at = tw_snowflake_time(id);
        problem_once(out, TW_ONCE_NO_DATE,
                     d.m.created_at ? "v2 tweets without created_at (request tweet.fields=created_at); "
                                      "the time is taken from the tweet id"
                                    : "v2 tweets without created_at (request tweet.fields=created_at); kept without a date",
                     0);
    }
    return finish(&d, o, id, created, reply, out);
}

/* The notices that a tweet or an account was deleted or must be withdrawn
 * (Twitter's developer policy asks that stored copies go too):
 *   v1.1 streams: {"delete": {"status": {"id_str", "user_id_str"},
 *     "timestamp_ms"}}, {"status_withheld": {"id", ...}}, {"scrub_geo":
 *     ...}, {"user_withheld": ...};
 *   v2 compliance streams: {"data": {"delete" | "withheld" | "drop" |
 *     "undrop" | "scrub_geo": {"tweet": {"id", "author_id"}, "event_at"}}}
 *     and {"data": {"user_delete" | "user_suspend" | ...: {"user": {"id"}}}};
 *   v2 batch compliance results, one line each: {"id", "action",
 *     "created_at", "redacted_at", "reason"}.
 * A tweet-level notice becomes a deletion record (es_emit_deletion). The
 * ones that withdraw nothing earshot keeps (scrub_geo: no location is
 * stored; undrop, unprotect...) are counted. Account-level notices name a
 * user id, which mentions do not carry (they carry the handle): counted
 * and warned about, not applied. */
typedef enum { DN_NONE, DN_TWEET, DN_NOOP, DN_USER } dn_kind_t;

typedef struct dn {
    dn_kind_t kind;
    const char *id;     /* the tweet's */
    const char *action; /* "delete", "withheld", "drop" */
    int64_t at;
} dn_t;

static int64_t ms_field(const tj_t *o, const char *k)
{
    int64_t ms;
    return count_get(o, k, &ms) ? ms / 1000 : 0;
}

static int64_t time_field(const tj_t *o, const char *k)
{
    int64_t t = 0;
    const char *s = sget(o, k);
    return s && es_time_parse(s, &t) == 0 ? t : 0;
}

static dn_t deletion_notice(const tj_t *v)
{
    dn_t d = {DN_NONE, NULL, NULL, 0};
    tj_t *x;
    if ((x = oget(v, "delete"))) {
        d = (dn_t){DN_TWEET, idget(oget(x, "status"), "id_str"), "delete", ms_field(x, "timestamp_ms")};
        if (!d.id)
            d.id = idget(oget(x, "status"), "id");
        return d;
    }
    if ((x = oget(v, "status_withheld"))) {
        d = (dn_t){DN_TWEET, idget(x, "id_str"), "withheld", ms_field(x, "timestamp_ms")};
        if (!d.id)
            d.id = idget(x, "id");
        return d;
    }
    if (oget(v, "scrub_geo")) {
        d.kind = DN_NOOP;
        return d;
    }
    if (oget(v, "user_withheld") || oget(v, "user_delete") || oget(v, "user_suspend")) {
        d.kind = DN_USER;
        return d;
    }
    tj_t *data = oget(v, "data");
    tj_t *e = data ? data->first : NULL;
    if (e && !e->next && e->type == TJ_OBJ && e->key) {
        static const char *const withdraw[] = {"delete", "withheld", "drop"};
        static const char *const noop[] = {"undrop", "scrub_geo"};
#define EV_IS(name) (e->klen == strlen(name) && !memcmp(e->key, name, e->klen))
        for (size_t i = 0; i < sizeof withdraw / sizeof *withdraw; i++)
            if (EV_IS(withdraw[i]))
                return (dn_t){DN_TWEET, idget(oget(e, "tweet"), "id"), withdraw[i], time_field(e, "event_at")};
        for (size_t i = 0; i < sizeof noop / sizeof *noop; i++)
            if (EV_IS(noop[i])) {
                d.kind = DN_NOOP;
                return d;
            }
#undef EV_IS
        if (e->klen > 5 && !memcmp(e->key, "user_", 5) && oget(e, "user")) {
            d.kind = DN_USER;
            return d;
        }
        return d;
    }
    /* A batch compliance result: the job's ids are tweets (a users job's
     * ids match no tweet, so its lines withdraw nothing). */
    const char *action = sget(v, "action");
    if (action && tj_get(v, "id") && !tj_get(v, "text") && (tj_get(v, "redacted_at") || tj_get(v, "reason"))) {
        const char *reason = sget(v, "reason");
        int64_t at = time_field(v, "redacted_at");
        return (dn_t){DN_TWEET, idget(v, "id"), reason ? reason : action, at ? at : time_field(v, "created_at")};
    }
    return d;
}

/* 1 when v was a notice (handled), 0 when it is something else. */
static int map_deletion(const tj_t *v, const tw_opts_t *o, tw_out_t *out)
{
    dn_t d = deletion_notice(v);
    switch (d.kind) {
    case DN_NONE:
        return 0;
    case DN_TWEET:
        if (!d.id) {
            out->problem(out->arg, "a deletion notice without the tweet's id; skipped", 1);
            return 1;
        }
        out->deletes_seen++;
        if (out->deletion)
            out->deletion(out->arg, o->network, d.id, d.action, d.at);
        return 1;
    case DN_NOOP:
        out->deletes_noop++;
        return 1;
    case DN_USER:
        out->deletes_unapplied++;
        problem_once(out, TW_ONCE_DELETES,
                     "account-level compliance notices (user_delete, user_suspend...) name a user id, "
                     "which mentions do not carry: not applied; counted",
                     0);
        return 1;
    }
    return 0;
}

int tw_map(const tj_t *v, const tw_opts_t *o, tw_out_t *out)
{
    if (!v || v->type != TJ_OBJ) {
        out->problem(out->arg, "not a JSON object; skipped", 1);
        return ES_EPARSE;
    }
    if (map_deletion(v, o, out))
        return 0;
    tj_t *inner = oget(v, "tweet");
    if (inner)
        return map_v1(inner, o, out);
    tj_t *data = tj_get(v, "data");
    if (data) {
        if (data->type != TJ_OBJ && data->type != TJ_ARR) {
            out->problem(out->arg, "\"data\" is neither an array nor an object; skipped", 1);
            return ES_EPARSE;
        }
        users_idx_t users, tweets;
        users_idx_build(&users, aget(oget(v, "includes"), "users"));
        users_idx_build(&tweets, aget(oget(v, "includes"), "tweets"));
        int n = 0;
        if (data->type == TJ_OBJ) {
            n = map_v2(data, &users, &tweets, o, out);
        } else {
            each(t, data) {
                int rc = map_v2(t, &users, &tweets, o, out);
                if (rc > 0)
                    n += rc;
            }
        }
        free(users.slots);
        free(tweets.slots);
        return n;
    }
    if (tj_get(v, "errors") && !tj_get(v, "id")) {
        out->problem(out->arg, "an API error response without \"data\"", 0);
        return 0;
    }
    if (tj_get(v, "id_str") || tj_get(v, "full_text") || oget(v, "user"))
        return map_v1(v, o, out);
    if (tj_get(v, "id") && (tj_get(v, "text") || tj_get(v, "author_id") || oget(v, "author"))) {
        static const users_idx_t none;
        return map_v2(v, &none, &none, o, out);
    }
    out->problem(out->arg, "not a tweet (no id_str, tweet, data or id+text); skipped", 1);
    return ES_EPARSE;
}

int tw_account(const tj_t *v, const char **username, const char **display_name)
{
    tj_t *a = oget(v, "account");
    const char *u = sget(a, "username");
    if (!u || !*u)
        return ES_ENOENT;
    *username = u;
    *display_name = sget(a, "accountDisplayName");
    return 0;
}
