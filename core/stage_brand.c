#include <stdlib.h>
#include <string.h>

#include "stages.h"
#include "util.h"

struct es_brands {
    size_t n;
    char **names;
    char ***keywords; /* lowercased */
    size_t *n_keywords;
};

static inline unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Word characters are ASCII letters/digits and any UTF-8 byte, so "acme"
 * does not match inside "acmeville" nor inside "acmé"; '#', '@', '_' and
 * punctuation are boundaries, so hashtags and handles match. */
static inline int wordch(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

int es_brand_text_has(const char *text, const char *kw)
{
    size_t kl = strlen(kw);
    if (!text || kl == 0)
        return 0;
    unsigned char k0 = lower((unsigned char)kw[0]);
    for (const char *p = text; *p; p++) {
        if (lower((unsigned char)*p) != k0)
            continue;
        if (p > text && wordch((unsigned char)p[-1]) && wordch(k0))
            continue;
        size_t i = 1;
        while (i < kl && p[i] && lower((unsigned char)p[i]) == lower((unsigned char)kw[i]))
            i++;
        if (i < kl)
            continue;
        if (wordch((unsigned char)p[kl]) && wordch((unsigned char)kw[kl - 1]))
            continue;
        return 1;
    }
    return 0;
}

int es_brands_new(const es_config_t *cfg, es_brands_t **out)
{
    es_brands_t *b = calloc(1, sizeof *b);
    if (!b)
        return ES_ENOMEM;
    b->n = cfg->n_brands;
    b->names = calloc(b->n + 1, sizeof *b->names);
    b->keywords = calloc(b->n + 1, sizeof *b->keywords);
    b->n_keywords = calloc(b->n + 1, sizeof *b->n_keywords);
    if (!b->names || !b->keywords || !b->n_keywords)
        goto nomem;
    for (size_t i = 0; i < b->n; i++) {
        const es_brand_cfg_t *bc = &cfg->brands[i];
        if (!(b->names[i] = es_strdup(bc->name)))
            goto nomem;
        b->keywords[i] = calloc(bc->n_keywords + 1, sizeof(char *));
        if (!b->keywords[i])
            goto nomem;
        for (size_t k = 0; k < bc->n_keywords; k++) {
            char *kw = es_strdup(bc->keywords[k]);
            if (!kw)
                goto nomem;
            for (char *c = kw; *c; c++)
                *c = (char)lower((unsigned char)*c);
            b->keywords[i][b->n_keywords[i]++] = kw;
        }
    }
    *out = b;
    return 0;
nomem:
    es_brands_free(b);
    return ES_ENOMEM;
}

void es_brands_free(es_brands_t *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->names ? b->names[i] : NULL);
        if (b->keywords && b->keywords[i])
            es_strv_free(b->keywords[i], b->n_keywords[i]);
    }
    free(b->names);
    free(b->keywords);
    free(b->n_keywords);
    free(b);
}

int es_brands_apply(const es_brands_t *b, es_rec_t *rec)
{
    const es_mention_t *m = &rec->m;
    for (size_t i = 0; i < b->n; i++)
        for (size_t k = 0; k < b->n_keywords[i]; k++)
            if (es_brand_text_has(m->title, b->keywords[i][k]) ||
                es_brand_text_has(m->text, b->keywords[i][k]))
                return es_rec_set_stage(rec, 0, b->names[i]);
    return 0;
}
