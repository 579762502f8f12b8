/*
 * Subject templates and message ids for the nats sink.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "subject.h"

static const char *const known[] = {"brand", "network", "kind", "lang", "author_kind",
                                    "owner", "source", "label", NULL};

static int known_token(const char *name, size_t len)
{
    for (int i = 0; known[i]; i++)
        if (strlen(known[i]) == len && memcmp(known[i], name, len) == 0)
            return 1;
    return 0;
}

int es_nats_subject_check(const char *tmpl, char *err, size_t errlen)
{
    if (!tmpl || !*tmpl) {
        snprintf(err, errlen, "subject is empty");
        return ES_ECONFIG;
    }
    size_t toklen = 0;
    for (const char *p = tmpl;; p++) {
        if (*p == '.' || *p == '\0') {
            if (toklen == 0) {
                snprintf(err, errlen, "subject \"%s\" has an empty token", tmpl);
                return ES_ECONFIG;
            }
            if (!*p)
                return 0;
            toklen = 0;
            continue;
        }
        if (*p == '*' || *p == '>' || (unsigned char)*p <= ' ' || *p == 0x7f) {
            snprintf(err, errlen, "subject \"%s\": wildcards, spaces and control characters are not allowed when publishing", tmpl);
            return ES_ECONFIG;
        }
        if (*p == '}') {
            snprintf(err, errlen, "subject \"%s\": unbalanced '}'", tmpl);
            return ES_ECONFIG;
        }
        if (*p == '{') {
            const char *end = strchr(p, '}');
            if (!end) {
                snprintf(err, errlen, "subject \"%s\": unbalanced '{'", tmpl);
                return ES_ECONFIG;
            }
            if (!known_token(p + 1, (size_t)(end - p - 1))) {
                snprintf(err, errlen, "subject \"%s\": unknown field {%.*s} (known: brand, network, kind, lang, author_kind, owner, source, label)",
                         tmpl, (int)(end - p - 1), p + 1);
                return ES_ECONFIG;
            }
            p = end;
        }
        toklen++;
    }
}

static const char *field(const es_record_t *rec, const char *name, size_t len)
{
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
    if (IS("kind"))
        return es_record_kind_name(rec->kind);
    if (rec->kind == ES_RECORD_MENTION && rec->mention) {
        const es_mention_t *m = rec->mention;
        if (IS("brand")) return m->brand;
        if (IS("network")) return m->network;
        if (IS("lang")) return m->lang;
        if (IS("author_kind")) return m->author_kind;
        if (IS("owner")) return m->owner;
        if (IS("source")) return m->source;
        if (IS("label")) return m->sentiment.label;
        return NULL;
    }
#undef IS
    if (!rec->fields)
        return NULL;
    char key[32];
    if (len >= sizeof key)
        return NULL;
    memcpy(key, name, len);
    key[len] = '\0';
    json_t *v = json_object_get(rec->fields, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int grow(char **out, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t nc = need * 2;
    char *n = realloc(*out, nc);
    if (!n)
        return -1;
    *out = n;
    *cap = nc;
    return 0;
}

char *es_nats_subject_render(const char *tmpl, const es_record_t *rec)
{
    size_t cap = strlen(tmpl) + 64, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = tmpl; *p; p++) {
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        if (!end) {
            if (grow(&out, &cap, len + 2) < 0)
                goto oom;
            out[len++] = *p;
            continue;
        }
        const char *val = field(rec, p + 1, (size_t)(end - p - 1));
        p = end;
        if (!val || !*val)
            val = "_";
        if (grow(&out, &cap, len + strlen(val) + 1) < 0)
            goto oom;
        for (const char *v = val; *v; v++) {
            unsigned char c = (unsigned char)*v;
            int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '_' || c == '-';
            out[len++] = safe ? (char)c : '_';
        }
    }
    out[len] = '\0';
    return out;
oom:
    free(out);
    return NULL;
}

int es_nats_msg_id(const es_record_t *rec, const char *json, size_t json_len,
                   char *out, size_t outlen)
{
    const char *what = json, *prefix = es_record_kind_name(rec->kind);
    size_t len = json_len;
    if (rec->kind == ES_RECORD_MENTION && rec->mention && rec->mention->id) {
        const char *id = rec->mention->id;
        size_t n = strlen(id);
        /* A cut id could equal another one cut the same way, and JetStream
         * would drop the second mention: ids that do not fit, or carry
         * bytes unfit for a header, are hashed instead. */
        int fits = n > 0 && n < outlen && n <= ES_NATS_MSG_ID_MAX;
        for (size_t i = 0; fits && i < n; i++)
            if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
                fits = 0;
        if (fits) {
            memcpy(out, id, n + 1);
            return 0;
        }
        what = id;
        len = n;
        prefix = "id-sha256";
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(what, len, md, &mdlen, EVP_sha256(), NULL))
        return ES_ENOMEM;
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    snprintf(out, outlen, "%s:%s", prefix, hex);
    return 0;
}
