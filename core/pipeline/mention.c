#include "mention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/fields.h>
#include <earshot/json.h>
#include "record_json.h"
#include <earshot/date.h>
#include <earshot/text.h>

/* The source's strings (the STRING fields of <earshot/fields.h> marked
 * SOURCE), in table order, so one loop copies them all; returns their
 * number. */
#define N_STR ES_MENTION_FIELD_COUNT

static int str_slots(es_mention_t *m, const char **slots[N_STR])
{
    int n = 0;
    /* Expanded, not looped: every emit runs this twice, and the tests on
     * constants fold away. */
#define SLOT(k, kind, flags, st, off, aux, off2, pos, col)             \
    if ((kind) == ES_FIELD_STRING && ((flags) & ES_FIELD_SOURCE)) \
        slots[n++] = (const char **)((char *)m + (off));
    ES_MENTION_FIELDS(SLOT)
#undef SLOT
    return n;
}

es_rec_t *es__rec_from_mention(const es_mention_t *src, const char *source_name, size_t *repaired)
{
    es_mention_t in = *src;
    in.source = source_name;
    const char **in_slots[N_STR], **out_slots[N_STR];
    int n_str = str_slots(&in, in_slots);

    /* Fast path: measure, and check validity, so valid input costs one
     * allocation and memcpy per string. */
    size_t total = 0, lens[N_STR], alens[64];
    int valid[N_STR], avalid[64];
    size_t n_addr = in.n_addressed < 64 ? in.n_addressed : 64;
    for (int i = 0; i < n_str; i++) {
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
    for (int i = 0; i < n_str; i++) {
        const char *s = *in_slots[i];
        if (s)
            COPY_IN(s, lens[i], valid[i], *out_slots[i]);
    }
    for (size_t i = 0; i < n_addr; i++)
        COPY_IN(in.addressed[i] ? in.addressed[i] : "", alens[i], avalid[i], r->addressed[i]);
#undef COPY_IN
    /* The source's numbers, by the table too. */
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        if (!(f->flags & ES_FIELD_SOURCE))
            continue;
        if (f->kind == ES_FIELD_TIME) {
            ES_FIELD_AT(&r->m, f->off, int64_t) = ES_FIELD_AT(&in, f->off, int64_t);
        } else if (f->kind == ES_FIELD_METRICS) {
            memcpy((char *)&r->m + f->off, (char *)&in + f->off, ES_METRIC_COUNT * sizeof(int64_t));
            ES_FIELD_AT(&r->m, f->aux, unsigned) = ES_FIELD_AT(&in, f->aux, unsigned) & ((1u << ES_METRIC_COUNT) - 1);
        } else if (f->kind == ES_FIELD_COUNT) {
            ES_FIELD_AT(&r->m, f->off, int64_t) = ES_FIELD_AT(&in, f->off, int64_t);
            ES_FIELD_AT(&r->m, f->aux, int) = ES_FIELD_AT(&in, f->aux, int) != 0;
        }
    }
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
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        json_t *v = NULL;
        size_t n;
        const char *const *l;
        switch ((es_field_kind_t)f->kind) {
        case ES_FIELD_STRING:
            set_str(o, f->key, es_field_str(m, f));
            continue;
        case ES_FIELD_TIME:
            v = json_integer(ES_FIELD_AT(m, f->off, const int64_t));
            break;
        case ES_FIELD_LIST:
            l = es_field_list(m, f, &n);
            v = json_array();
            for (size_t k = 0; k < n; k++)
                json_array_append_new(v, json_string(l[k]));
            break;
        case ES_FIELD_METRICS:
            v = json_object();
            for (int k = 0; k < ES_METRIC_COUNT; k++)
                if (ES_FIELD_AT(m, f->aux, const unsigned) & (1u << k))
                    json_object_set_new(v, es_metric_name(k), json_integer((&ES_FIELD_AT(m, f->off, const int64_t))[k]));
            break;
        case ES_FIELD_COUNT:
            v = ES_FIELD_AT(m, f->aux, const int) ? json_integer(ES_FIELD_AT(m, f->off, const int64_t)) : json_null();
            break;
        case ES_FIELD_SUBSET:
            l = es_field_list(m, f, &n);
            v = json_array();
            for (size_t k = 0; k < n; k++)
                if (ES_FIELD_AT(m, f->off2, const unsigned char *const)[k])
                    json_array_append_new(v, json_string(l[k]));
            break;
        case ES_FIELD_PAIRS:
            l = es_field_list(m, f, &n);
            v = json_object();
            for (size_t k = 0; k < n; k++) {
                const char *to = ES_FIELD_AT(m, f->off2, const char *const *const)[k];
                if (to)
                    json_object_set_new(v, l[k], json_string(to));
            }
            break;
        case ES_FIELD_SENTIMENT: {
            const char *se = (const char *)m + f->off;
            if (!((const es_sentiment_t *)se)->label) {
                v = json_null();
                break;
            }
            v = json_object();
            for (int k = 0; k < ES_SENTIMENT_PART_COUNT; k++) {
                const es_sentiment_part_t *p = &es_sentiment_parts[k];
                json_object_set_new(v, p->key,
                                    p->sql_type == ES_SQL_TEXT ? json_string(ES_FIELD_AT(se, p->off, const char *const))
                                                               : json_real(ES_FIELD_AT(se, p->off, const double)));
            }
            break;
        }
        }
        json_object_set_new(o, f->key, v);
    }
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
    *why = NULL;
    /* What a source may give, by the table: not what the core sets (the
     * instance's name, the stage results). */
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        if (!(f->flags & ES_FIELD_SOURCE) || f->flags & ES_FIELD_CORE)
            continue;
        json_t *v = json_object_get(o, f->key);
        switch ((es_field_kind_t)f->kind) {
        case ES_FIELD_STRING:
            if (json_is_integer(v) && f->flags & ES_FIELD_INT_ID) {
                snprintf(sc->idbuf, sizeof sc->idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
                ES_FIELD_AT(m, f->off, const char *) = sc->idbuf;
            } else {
                ES_FIELD_AT(m, f->off, const char *) = json_is_string(v) ? json_string_value(v) : NULL;
            }
            break;
        case ES_FIELD_LIST: {
            /* The one list a source gives (addressed) uses the scratch. */
            size_t k, n = 0;
            json_t *e;
            json_array_foreach(v, k, e) if (json_is_string(e) && n < ES_MENTION_MAX_ADDRESSED)
                sc->addressed[n++] = json_string_value(e);
            ES_FIELD_AT(m, f->off, const char *const *) = sc->addressed;
            ES_FIELD_AT(m, f->aux, size_t) = n;
            break;
        }
        case ES_FIELD_METRICS:
            /* Counts are whole numbers (a Reddit score may be below zero);
             * anything else is not a count and is left out rather than
             * refusing the mention. */
            for (int k = 0; k < ES_METRIC_COUNT; k++) {
                json_t *c = json_object_get(v, es_metric_name(k));
                if (json_is_integer(c)) {
                    (&ES_FIELD_AT(m, f->off, int64_t))[k] = json_integer_value(c);
                    ES_FIELD_AT(m, f->aux, unsigned) |= 1u << k;
                }
            }
            break;
        case ES_FIELD_COUNT:
            if (json_is_integer(v) && json_integer_value(v) >= 0) {
                ES_FIELD_AT(m, f->off, int64_t) = json_integer_value(v);
                ES_FIELD_AT(m, f->aux, int) = 1;
            }
            break;
        case ES_FIELD_TIME: {
            int64_t *t = &ES_FIELD_AT(m, f->off, int64_t);
            if (json_is_integer(v))
                *t = json_integer_value(v);
            else if (json_is_string(v) && es_time_parse(json_string_value(v), t) < 0)
                *why = "created_at is neither RFC 3339 nor epoch seconds";
            else if (v && !json_is_null(v) && !json_is_string(v))
                *why = "created_at must be a string or an integer";
            if (*why)
                *t = 0;
            break;
        }
        case ES_FIELD_SUBSET:
        case ES_FIELD_PAIRS:
        case ES_FIELD_SENTIMENT:
            break; /* the core's own, read back by es__rec_from_json */
        }
    }
    return *why ? ES_EPARSE : 0;
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

/* A field's JSON key, found in the table by what it holds. */
static const char *key_of(int kind, size_t off)
{
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++)
        if (es_mention_fields[i].kind == kind && es_mention_fields[i].off == off)
            return es_mention_fields[i].key;
    return NULL;
}
#define KEY(kind, member) key_of(ES_FIELD_##kind, offsetof(es_mention_t, member))

/* The brands and topics lists of a spooled record (a record spooled before
 * they existed has its brand only: a list of one, set above). */
static int restore_matches(es_rec_t *r, json_t *o)
{
    json_t *b = json_object_get(o, KEY(LIST, brands)), *t = json_object_get(o, KEY(LIST, topics));
    if (!json_is_array(b) && !json_is_array(t))
        return 0;
    size_t nb = json_array_size(b), nt = json_array_size(t), i, n = 0, k = 0;
    const char **names = calloc(nb + 2 * nt + 1, sizeof *names);
    if (!names)
        return ES_ENOMEM;
    const char **topics = names + nb, **owners = topics + nt;
    json_t *v, *to = json_object_get(o, KEY(PAIRS, topics));
    json_array_foreach(b, i, v) if (json_is_string(v)) names[n++] = json_string_value(v);
    json_array_foreach(t, i, v) if (json_is_string(v)) {
        topics[k] = json_string_value(v);
        owners[k] = jstr(to, topics[k]);
        k++;
    }
    int rc = es__rec_set_matches(r, names, n, topics, owners, k);
    json_t *ow = json_object_get(o, KEY(SUBSET, brands));
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
        r = es__rec_from_mention(&m, jstr(o, KEY(STRING, source)), NULL);
    for (int k = 0; r && k < ES_MENTION_FIELD_COUNT; k++) {
        const es_field_t *f = &es_mention_fields[k];
        if (f->flags & ES_FIELD_STAGE && es__rec_set_stage(r, f->aux, jstr(o, f->key)) < 0) {
            es__rec_free(r);
            r = NULL;
        }
    }
    if (r && restore_matches(r, o) < 0) {
        es__rec_free(r);
        r = NULL;
    }
    for (int k = 0; r && k < ES_MENTION_FIELD_COUNT; k++) {
        const es_field_t *f = &es_mention_fields[k];
        json_t *se = json_object_get(o, f->key);
        if (f->kind != ES_FIELD_SENTIMENT || !json_is_object(se))
            continue;
        char *dst = (char *)&r->m + f->off;
        for (int p = 0; p < ES_SENTIMENT_PART_COUNT; p++) {
            const es_sentiment_part_t *sp = &es_sentiment_parts[p];
            if (sp->sql_type == ES_SQL_TEXT)
                ES_FIELD_AT(dst, sp->off, const char *) = static_label(jstr(se, sp->key));
            else
                ES_FIELD_AT(dst, sp->off, double) = json_number_value(json_object_get(se, sp->key));
        }
    }
    json_decref(o);
    return r;
}
