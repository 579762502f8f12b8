#include "mention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/json.h>
#include "record_json.h"
#include <earshot/date.h>
#include <earshot/text.h>

/* The source's strings, in a fixed order, so one loop copies them all. */
#define N_STR 11

static void str_slots(es_mention_t *m, const char **slots[N_STR])
{
    slots[0] = &m->id;
    slots[1] = &m->network;
    slots[2] = &m->source;
    slots[3] = &m->author;
    slots[4] = &m->author_name;
    slots[5] = &m->url;
    slots[6] = &m->title;
    slots[7] = &m->text;
    slots[8] = &m->lang;
    slots[9] = &m->in_reply_to;
    slots[10] = &m->reply_to_author;
}

es_rec_t *es__rec_from_mention(const es_mention_t *src, const char *source_name, size_t *repaired)
{
    es_mention_t in = *src;
    in.source = source_name;
    const char **in_slots[N_STR], **out_slots[N_STR];
    str_slots(&in, in_slots);

    /* Fast path: measure, and check validity, so valid input costs one
     * allocation and memcpy per string. */
    size_t total = 0, lens[N_STR], alens[64];
    int valid[N_STR], avalid[64];
    size_t n_addr = in.n_addressed < 64 ? in.n_addressed : 64;
    for (int i = 0; i < N_STR; i++) {
        const char *s = *in_slots[i];
        lens[i] = s ? strlen(s) : 0;
        valid[i] = !s || es_utf8_is_valid(s, lens[i]);
        total += s ? (valid[i] ? lens[i] : lens[i] * 3) + 1 : 0;
    }
    for (size_t i = 0; i < n_addr; i++) {
        const char *s = in.addressed[i] ? in.addressed[i] : "";
        alens[i] = strlen(s);
        avalid[i] = es_utf8_is_valid(s, alens[i]);
        total += (avalid[i] ? alens[i] : alens[i] * 3) + 1;
    }
    /* One block: the record, its addressed array, its strings (three
     * allocations and frees fewer per mention). */
    size_t head = (sizeof(es_rec_t) + 15) & ~(size_t)15, addr = n_addr * sizeof(char *);
    es_rec_t *r = malloc(head + addr + (total ? total : 1));
    if (!r)
        return NULL;
    memset(r, 0, head + addr);
    r->one_block = 1;
    r->addressed = n_addr ? (char **)((char *)r + head) : NULL;
    r->strings = (char *)r + head + addr;
    str_slots(&r->m, out_slots);
    size_t off = 0, fixes = 0;
#define COPY_IN(s, len, ok, dst)                                                \
    do {                                                                        \
        if (ok) {                                                               \
            memcpy(r->strings + off, (s), (len));                               \
            r->strings[off + (len)] = '\0';                                     \
            (dst) = r->strings + off;                                           \
            off += (len) + 1;                                                   \
        } else {                                                                \
            size_t nrep;                                                        \
            char *fixed = es_utf8_sanitize((s), (len), &nrep);                  \
            if (!fixed) {                                                       \
                es__rec_free(r);                                                 \
                return NULL;                                                    \
            }                                                                   \
            size_t fl = strlen(fixed);                                          \
            memcpy(r->strings + off, fixed, fl + 1);                            \
            free(fixed);                                                        \
            (dst) = r->strings + off;                                           \
            off += fl + 1;                                                      \
            fixes += nrep;                                                      \
        }                                                                       \
    } while (0)
    for (int i = 0; i < N_STR; i++) {
        const char *s = *in_slots[i];
        if (s)
            COPY_IN(s, lens[i], valid[i], *out_slots[i]);
    }
    for (size_t i = 0; i < n_addr; i++)
        COPY_IN(in.addressed[i] ? in.addressed[i] : "", alens[i], avalid[i], r->addressed[i]);
#undef COPY_IN
    r->m.created_at = in.created_at;
    memcpy(r->m.metrics, in.metrics, sizeof r->m.metrics);
    r->m.metrics_given = in.metrics_given & ((1u << ES_METRIC_COUNT) - 1);
    r->m.followers = in.followers;
    r->m.followers_given = in.followers_given != 0;
    r->m.addressed = (const char *const *)r->addressed;
    r->m.n_addressed = n_addr;
    r->pub.kind = ES_RECORD_MENTION;
    r->pub.mention = &r->m;
    r->size = sizeof *r + total;
    if (repaired)
        *repaired = fixes;
    return r;
}

es_rec_t *es__rec_from_fields(es_record_kind_t kind, json_t *fields)
{
    es_rec_t *r = calloc(1, sizeof *r);
    if (!r) {
        json_decref(fields);
        return NULL;
    }
    r->pub.kind = kind;
    r->pub.fields = fields;
    r->fields = fields;
    r->size = sizeof *r + 512;
    return r;
}

static void stage_field(es_rec_t *r, int idx, const char *v)
{
    switch (idx) {
    case 0: r->m.brand = v; break;
    case 1: r->m.author_kind = v; break;
    case 2: r->m.owner = v; break;
    case 3: r->m.addressed_account = v; break;
    }
}

void es__rec_set_stage_literal(es_rec_t *r, int idx, const char *literal)
{
    free(r->stage_strings[idx]);
    r->stage_strings[idx] = NULL;
    stage_field(r, idx, literal);
}

int es__rec_set_matches(es_rec_t *r, const char *const *brands, size_t nb, const char *const *topics,
                       const char *const *owners, size_t nt)
{
    /* Config names are valid UTF-8 already (the config is checked), but a
     * spooled record's may not be: sanitized into the block like any
     * stage value. */
    size_t strs = 0;
    for (size_t i = 0; i < nb; i++)
        strs += strlen(brands[i]) * 3 + 1;
    for (size_t i = 0; i < nt; i++)
        strs += strlen(topics[i]) * 3 + 1 + (owners && owners[i] ? strlen(owners[i]) * 3 + 1 : 0);
    size_t ptrs = (nb + 2 * nt) * sizeof(char *);
    char *blk = nb + nt ? malloc(ptrs + nb + strs) : NULL;
    if (nb + nt && !blk)
        return ES_ENOMEM;
    const char **pb = (const char **)blk, **pt = pb + nb, **po = pt + nt;
    unsigned char *owned = (unsigned char *)blk + ptrs;
    char *w = (char *)owned + nb;
    /* Valid names (all of them, in practice) are copied as they are; only
     * an invalid one costs the sanitizer's allocation. */
#define PUT(dst, src)                                                               \
    do {                                                                            \
        size_t l_ = strlen(src);                                                    \
        if (es_utf8_is_valid((src), l_)) {                                          \
            memcpy(w, (src), l_ + 1);                                               \
        } else {                                                                    \
            char *fixed_ = es_utf8_sanitize((src), l_, NULL);                       \
            if (!fixed_) {                                                          \
                free(blk);                                                          \
                return ES_ENOMEM;                                                   \
            }                                                                       \
            l_ = strlen(fixed_);                                                    \
            memcpy(w, fixed_, l_ + 1);                                              \
            free(fixed_);                                                           \
        }                                                                           \
        (dst) = w;                                                                  \
        w += l_ + 1;                                                                \
    } while (0)
    for (size_t i = 0; i < nb; i++) {
        PUT(pb[i], brands[i]);
        owned[i] = 0;
    }
    for (size_t i = 0; i < nt; i++) {
        PUT(pt[i], topics[i]);
        po[i] = NULL;
        if (owners && owners[i])
            PUT(po[i], owners[i]);
    }
#undef PUT
    free(r->matches);
    r->matches = blk;
    r->m.brands = nb ? pb : NULL;
    r->m.brand_owned = nb ? owned : NULL;
    r->m.n_brands = nb;
    r->m.topics = nt ? pt : NULL;
    r->m.topic_owners = nt ? po : NULL;
    r->m.n_topics = nt;
    free(r->stage_strings[0]);
    r->stage_strings[0] = NULL;
    r->m.brand = nb ? pb[0] : NULL;
    return 0;
}

int es__rec_set_stage(es_rec_t *r, int idx, const char *value)
{
    if (idx == 0) /* the brand is the first of the brands list */
        return es__rec_set_matches(r, value ? &value : NULL, value ? 1 : 0, r->m.topics, r->m.topic_owners,
                                  r->m.n_topics);
    /* Stage values come from the config and the inventory file: repaired
     * like the source's strings, so a record is always valid UTF-8. */
    char *copy = NULL;
    if (value && !(copy = es_utf8_sanitize(value, strlen(value), NULL)))
        return ES_ENOMEM;
    free(r->stage_strings[idx]);
    r->stage_strings[idx] = copy;
    stage_field(r, idx, copy);
    return 0;
}

void es__rec_free(es_rec_t *r)
{
    if (!r)
        return;
    if (!r->one_block) {
        free(r->strings);
        free(r->addressed);
    }
    free(r->owned_id);
    free(r->matches);
    for (int i = 0; i < 4; i++)
        free(r->stage_strings[i]);
    json_decref(r->fields);
    free(r->json);
    free(r);
}

const char *es_metric_name(int metric)
{
    static const char *const names[ES_METRIC_COUNT] = {"likes", "reposts", "replies", "quotes", "views"};
    return metric >= 0 && metric < ES_METRIC_COUNT ? names[metric] : NULL;
}

const char *es_record_kind_name(es_record_kind_t kind)
{
    switch (kind) {
    case ES_RECORD_MENTION: return "mention";
    case ES_RECORD_ALERT: return "alert";
    case ES_RECORD_ACCOUNT: return "account";
    case ES_RECORD_DELETION: return "deletion";
    }
    return "unknown";
}

static void set_str(json_t *o, const char *k, const char *v)
{
    json_object_set_new(o, k, v ? json_string(v) : json_null());
}

json_t *es__rec_to_json(const es_rec_t *r)
{
    if (r->pub.kind != ES_RECORD_MENTION) {
        json_t *o = json_deep_copy(r->fields);
        if (o)
            json_object_set_new(o, "kind", json_string(es_record_kind_name(r->pub.kind)));
        return o;
    }
    const es_mention_t *m = &r->m;
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "kind", json_string("mention"));
    set_str(o, "id", m->id);
    set_str(o, "network", m->network);
    set_str(o, "source", m->source);
    set_str(o, "author", m->author);
    set_str(o, "author_name", m->author_name);
    set_str(o, "url", m->url);
    set_str(o, "title", m->title);
    set_str(o, "text", m->text);
    set_str(o, "lang", m->lang);
    json_object_set_new(o, "created_at", json_integer(m->created_at));
    set_str(o, "in_reply_to", m->in_reply_to);
    set_str(o, "reply_to_author", m->reply_to_author);
    json_t *a = json_array();
    for (size_t i = 0; i < m->n_addressed; i++)
        json_array_append_new(a, json_string(m->addressed[i]));
    json_object_set_new(o, "addressed", a);
    json_t *mx = json_object();
    for (int i = 0; i < ES_METRIC_COUNT; i++)
        if (m->metrics_given & (1u << i))
            json_object_set_new(mx, es_metric_name(i), json_integer(m->metrics[i]));
    json_object_set_new(o, "metrics", mx);
    json_object_set_new(o, "followers", m->followers_given ? json_integer(m->followers) : json_null());
    set_str(o, "brand", m->brand);
    set_str(o, "author_kind", m->author_kind);
    set_str(o, "owner", m->owner);
    set_str(o, "addressed_account", m->addressed_account);
    json_t *b = json_array(), *ow = json_array(), *t = json_array(), *to = json_object();
    for (size_t i = 0; i < m->n_brands; i++) {
        json_array_append_new(b, json_string(m->brands[i]));
        if (m->brand_owned[i])
            json_array_append_new(ow, json_string(m->brands[i]));
    }
    for (size_t i = 0; i < m->n_topics; i++) {
        json_array_append_new(t, json_string(m->topics[i]));
        if (m->topic_owners[i])
            json_object_set_new(to, m->topics[i], json_string(m->topic_owners[i]));
    }
    json_object_set_new(o, "brands", b);
    json_object_set_new(o, "owned", ow);
    json_object_set_new(o, "topics", t);
    json_object_set_new(o, "topic_owners", to);
    if (m->sentiment.label)
        json_object_set_new(o, "sentiment",
                            json_pack("{s:f,s:f,s:f,s:f,s:s}", "compound", m->sentiment.compound,
                                      "pos", m->sentiment.pos, "neu", m->sentiment.neu, "neg",
                                      m->sentiment.neg, "label", m->sentiment.label));
    else
        json_object_set_new(o, "sentiment", json_null());
    return o;
}

const char *es_record_json(const es_record_t *rec, size_t *len)
{
    /* pub is the first member, so the public pointer is the record. */
    es_rec_t *r = (es_rec_t *)rec;
    if (!r->json && r->pub.kind == ES_RECORD_MENTION) {
        if (!(r->json = es__mention_json(&r->m, &r->json_len)))
            return NULL;
    } else if (!r->json) {
        json_t *o = es__rec_to_json(r);
        if (!o)
            return NULL;
        r->json = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
        json_decref(o);
        if (!r->json)
            return NULL;
        r->json_len = strlen(r->json);
    }
    if (len)
        *len = r->json_len;
    return r->json;
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int es_mention_from_object(json_t *o, es_mention_t *m, es_mention_scratch_t *sc, const char **why)
{
    memset(m, 0, sizeof *m);
    json_t *id = json_object_get(o, "id");
    if (json_is_integer(id)) {
        snprintf(sc->idbuf, sizeof sc->idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        m->id = sc->idbuf;
    } else {
        m->id = jstr(o, "id");
    }
    m->network = jstr(o, "network");
    m->author = jstr(o, "author");
    m->author_name = jstr(o, "author_name");
    m->url = jstr(o, "url");
    m->title = jstr(o, "title");
    m->text = jstr(o, "text");
    m->lang = jstr(o, "lang");
    m->in_reply_to = jstr(o, "in_reply_to");
    m->reply_to_author = jstr(o, "reply_to_author");
    json_t *a = json_object_get(o, "addressed");
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (json_is_string(v) && m->n_addressed < ES_MENTION_MAX_ADDRESSED)
        sc->addressed[m->n_addressed++] = json_string_value(v);
    m->addressed = sc->addressed;
    /* Counts are whole numbers (a Reddit score may be below zero);
     * anything else is not a count and is left out rather than refusing
     * the mention. */
    json_t *mx = json_object_get(o, "metrics");
    for (int k = 0; k < ES_METRIC_COUNT; k++) {
        json_t *c = json_object_get(mx, es_metric_name(k));
        if (json_is_integer(c)) {
            m->metrics[k] = json_integer_value(c);
            m->metrics_given |= 1u << k;
        }
    }
    json_t *fo = json_object_get(o, "followers");
    if (json_is_integer(fo) && json_integer_value(fo) >= 0) {
        m->followers = json_integer_value(fo);
        m->followers_given = 1;
    }
    json_t *ca = json_object_get(o, "created_at");
    *why = NULL;
    if (json_is_integer(ca))
        m->created_at = json_integer_value(ca);
    else if (json_is_string(ca) && es_time_parse(json_string_value(ca), &m->created_at) < 0)
        *why = "created_at is neither RFC 3339 nor epoch seconds";
    else if (ca && !json_is_null(ca) && !json_is_string(ca))
        *why = "created_at must be a string or an integer";
    if (*why) {
        m->created_at = 0;
        return ES_EPARSE;
    }
    return 0;
}

/* Labels point to static strings, as the scorer's do. */
static const char *static_label(const char *l)
{
    if (!l)
        return NULL;
    if (!strcmp(l, "positive"))
        return "positive";
    if (!strcmp(l, "negative"))
        return "negative";
    return "neutral";
}

/* The brands and topics lists of a spooled record (a record spooled before
 * they existed has its brand only: a list of one, set above). */
static int restore_matches(es_rec_t *r, json_t *o)
{
    json_t *b = json_object_get(o, "brands"), *t = json_object_get(o, "topics");
    if (!json_is_array(b) && !json_is_array(t))
        return 0;
    size_t nb = json_array_size(b), nt = json_array_size(t), i, n = 0, k = 0;
    const char **names = calloc(nb + 2 * nt + 1, sizeof *names);
    if (!names)
        return ES_ENOMEM;
    const char **topics = names + nb, **owners = topics + nt;
    json_t *v, *to = json_object_get(o, "topic_owners");
    json_array_foreach(b, i, v) if (json_is_string(v)) names[n++] = json_string_value(v);
    json_array_foreach(t, i, v) if (json_is_string(v)) {
        topics[k] = json_string_value(v);
        owners[k] = jstr(to, topics[k]);
        k++;
    }
    int rc = es__rec_set_matches(r, names, n, topics, owners, k);
    json_t *ow = json_object_get(o, "owned");
    json_array_foreach(ow, i, v) for (size_t j = 0; j < r->m.n_brands; j++) if (json_is_string(v) &&
                                                                           !strcmp(r->m.brands[j], json_string_value(v)))
        es__rec_set_owned(r, j);
    free(names);
    return rc;
}

es_rec_t *es__rec_from_json(const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return NULL;
    }
    const char *kind = jstr(o, "kind");
    es_rec_t *r = NULL;
    if (kind && strcmp(kind, "mention") != 0) {
        /* kind points into the member deleted next: decide first. */
        es_record_kind_t k = !strcmp(kind, "alert")      ? ES_RECORD_ALERT
                             : !strcmp(kind, "deletion") ? ES_RECORD_DELETION
                                                         : ES_RECORD_ACCOUNT;
        json_object_del(o, "kind");
        return es__rec_from_fields(k, o);
    }
    es_mention_t m;
    es_mention_scratch_t sc;
    const char *why;
    es_mention_from_object(o, &m, &sc, &why); /* the spool writes epoch seconds */
    if (m.id && m.network && m.text)
        r = es__rec_from_mention(&m, jstr(o, "source"), NULL);
    if (r) {
        static const char *const stage_keys[4] = {"brand", "author_kind", "owner", "addressed_account"};
        for (int k = 0; k < 4; k++)
            if (es__rec_set_stage(r, k, jstr(o, stage_keys[k])) < 0) {
                es__rec_free(r);
                r = NULL;
                break;
            }
    }
    if (r && restore_matches(r, o) < 0) {
        es__rec_free(r);
        r = NULL;
    }
    json_t *se = json_object_get(o, "sentiment");
    if (r && json_is_object(se)) {
        r->m.sentiment.compound = json_number_value(json_object_get(se, "compound"));
        r->m.sentiment.pos = json_number_value(json_object_get(se, "pos"));
        r->m.sentiment.neu = json_number_value(json_object_get(se, "neu"));
        r->m.sentiment.neg = json_number_value(json_object_get(se, "neg"));
        r->m.sentiment.label = static_label(jstr(se, "label"));
    }
    json_decref(o);
    return r;
}
