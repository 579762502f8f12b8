/*
 * The listening sections of a config: [brand NAME] and [topic NAME].
 * Their queries are parsed here, at load, so `earshot check` and a
 * refused reload report a bad one as file:line:column with what was
 * expected; the pipeline parses them again into its matcher (a parse is
 * microseconds, and the config stays plain data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "query/query.h"
#include "util.h"

/* The reader's rule for lines it does not hand to libinih. */
static int skipped_line(const char *l)
{
    while (*l == ' ' || *l == '\t')
        l++;
    return *l == '\0' || *l == '\n' || *l == '\r' || *l == '#' || *l == ';';
}

void es__config_value_pos(const es_kv_t *kv, size_t off, char *buf, size_t cap)
{
    /* Which line of a continued value, and where in it. */
    size_t seg = 0, seg_start = 0;
    for (size_t i = 0; i < off && kv->value[i]; i++)
        if (kv->value[i] == '\n') {
            seg++;
            seg_start = i + 1;
        }
    size_t col_in_seg = off - seg_start;
    int line = kv->line;
    size_t indent = 0;
    FILE *f = fopen(kv->file, "r");
    char *l = NULL;
    size_t lcap = 0;
    int n = 0, found = 0;
    while (f && getline(&l, &lcap, f) >= 0) {
        n++;
        if (n < kv->line)
            continue;
        if (n == kv->line) {
            /* The value starts after '=' (or ':') and its blanks. */
            char *eq = strpbrk(l, "=:");
            if (!eq)
                break;
            indent = (size_t)(eq + 1 - l);
            while (l[indent] == ' ' || l[indent] == '\t')
                indent++;
            if (seg == 0) {
                found = 1;
                break;
            }
            continue;
        }
        if (skipped_line(l))
            continue;
        if (--seg == 0) {
            line = n;
            indent = 0;
            while (l[indent] == ' ' || l[indent] == '\t')
                indent++;
            found = 1;
            break;
        }
    }
    free(l);
    if (f)
        fclose(f);
    if (found)
        snprintf(buf, cap, "%s:%d:%zu", kv->file, line, indent + col_in_seg + 1);
    else
        snprintf(buf, cap, "%s:%d", kv->file, kv->line);
}

static void check_query(const es_kv_t *kv, es_diag_t *diag)
{
    es_query_t *q = NULL;
    es_query_error_t err;
    int rc = es__query_parse(kv->value, &q, &err);
    if (rc == ES_EPARSE) {
        char pos[600];
        es__config_value_pos(kv, err.offset, pos, sizeof pos);
        es__diag_add(diag, pos, 0, "query: %s", err.msg);
    }
    es__query_free(q);
}

static void brand_finish(es_brand_cfg_t *b, es_diag_t *diag)
{
    const es_kv_t *kw = NULL;
    for (size_t i = 0; i < b->n_kvs; i++) {
        const es_kv_t *kv = &b->kvs[i];
        if (!strcmp(kv->key, "keywords")) {
            kw = kv;
            if (es__split_list(kv->value, &b->keywords, &b->n_keywords) < 0)
                es__diag_add(diag, kv->file, kv->line,
                            "keywords: expected a comma-separated list without empty items");
        } else if (!strcmp(kv->key, "query")) {
            b->query = kv;
            check_query(kv, diag);
        } else {
            es__diag_add(diag, kv->file, kv->line, "unknown key '%s' in [brand %s] (expected query or keywords)",
                        kv->key, b->name);
        }
    }
    if (!kw && !b->query)
        es__diag_add(diag, b->file, b->line, "[brand %s]: missing 'query' (or 'keywords')", b->name);
    else if (kw && b->query)
        es__diag_add(diag, kw->file, kw->line,
                    "[brand %s]: 'keywords' and 'query' together: put the keywords in the query (a OR b)",
                    b->name);
    else if (kw && b->keywords) {
        es_query_t *q = NULL;
        es_query_error_t err;
        if (es__query_from_keywords(b->keywords, b->n_keywords, &q, &err) == ES_EPARSE)
            es__diag_add(diag, kw->file, kw->line, "keywords: %s", err.msg);
        es__query_free(q);
    }
}

static void topic_finish(es_config_t *cfg, es_topic_cfg_t *t, es_diag_t *diag)
{
    for (size_t i = 0; i < t->n_kvs; i++) {
        const es_kv_t *kv = &t->kvs[i];
        if (!strcmp(kv->key, "query")) {
            t->query = kv;
            check_query(kv, diag);
        } else if (!strcmp(kv->key, "brand")) {
            t->brand = kv->value;
            size_t j = 0;
            while (j < cfg->n_brands && strcmp(cfg->brands[j].name, kv->value))
                j++;
            if (j == cfg->n_brands)
                es__diag_add(diag, kv->file, kv->line, "[topic %s]: brand '%s' is not a [brand] section", t->name,
                            kv->value);
        } else if (!strcmp(kv->key, "owner")) {
            t->owner = kv->value;
            if (!*kv->value)
                es__diag_add(diag, kv->file, kv->line, "owner: expected a team name");
        } else {
            es__diag_add(diag, kv->file, kv->line,
                        "unknown key '%s' in [topic %s] (expected query, brand or owner)", kv->key, t->name);
        }
    }
    if (!t->query)
        es__diag_add(diag, t->file, t->line, "[topic %s]: missing required key 'query'", t->name);
}

void es__config_listen_finish(es_config_t *cfg, es_diag_t *diag)
{
    for (size_t i = 0; i < cfg->n_brands; i++)
        brand_finish(&cfg->brands[i], diag);
    for (size_t i = 0; i < cfg->n_topics; i++)
        topic_finish(cfg, &cfg->topics[i], diag);
}
