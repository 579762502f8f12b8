#include "config_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* -1, 0, 1 as a is below, equal to or above b, in k's type. */
static int cmp_value(es_key_type_t type, const es_value_t *a, const es_value_t *b)
{
    switch (type) {
    case ES_KEY_INT: return a->i < b->i ? -1 : a->i > b->i;
    case ES_KEY_DOUBLE: return a->d < b->d ? -1 : a->d > b->d;
    case ES_KEY_DURATION: return a->ms < b->ms ? -1 : a->ms > b->ms;
    case ES_KEY_SIZE: return a->size < b->size ? -1 : a->size > b->size;
    default: return 0;
    }
}

static int ranged(es_key_type_t t)
{
    return t == ES_KEY_INT || t == ES_KEY_DOUBLE || t == ES_KEY_DURATION || t == ES_KEY_SIZE;
}

/* Non-zero when item is one of the '|'-separated choices. */
static int in_choices(const char *choices, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = choices;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncasecmp(p, item, n) == 0)
            return 1;
        if (!bar)
            return 0;
        p = bar + 1;
    }
}

/* "a|b|c" as "a, b, c". */
static void choices_text(const char *choices, char *buf, size_t len)
{
    size_t o = 0;
    for (const char *p = choices; *p && o + 3 < len; p++) {
        if (*p == '|') {
            buf[o++] = ',';
            buf[o++] = ' ';
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
}

static int bound_fails(const es_config_key_t *k, const es_value_t *v)
{
    es_value_t b;
    char junk[128];
    /* A bound that does not parse is the table's bug, not the admin's:
     * it is ignored rather than refusing every value. */
    if (k->min && es__value_parse(k->type, k->min, &b, junk, sizeof junk) == 0 &&
        cmp_value(k->type, v, &b) < 0)
        return 1;
    if (k->max && es__value_parse(k->type, k->max, &b, junk, sizeof junk) == 0 &&
        cmp_value(k->type, v, &b) > 0)
        return 1;
    return 0;
}

int es__key_check(const es_config_key_t *k, const char *value, es_value_t *out, char *err,
                 size_t errlen)
{
    es_value_t v;
    if (es__value_parse(k->type, value, &v, err, errlen) < 0)
        return ES_EINVAL;
    if (out)
        *out = v;
    const char *shown = k->type == ES_KEY_SECRET ? "(secret)" : value;
    if (ranged(k->type) && (k->min || k->max) && bound_fails(k, &v)) {
        if (k->min && k->max)
            snprintf(err, errlen, "must be between %s and %s (got '%s')", k->min, k->max, shown);
        else if (k->min)
            snprintf(err, errlen, "must be at least %s (got '%s')", k->min, shown);
        else
            snprintf(err, errlen, "must be at most %s (got '%s')", k->max, shown);
        return ES_EINVAL;
    }
    if (!k->choices || (k->type != ES_KEY_STRING && k->type != ES_KEY_LIST))
        return 0;
    char text[512];
    if (k->type == ES_KEY_STRING) {
        if (in_choices(k->choices, value))
            return 0;
        choices_text(k->choices, text, sizeof text);
        snprintf(err, errlen, "must be one of %s (got '%s')", text, value);
        return ES_EINVAL;
    }
    char **items = NULL;
    size_t n = 0;
    int rc = es__split_list(value, &items, &n);
    if (rc < 0) {
        snprintf(err, errlen, rc == ES_ENOMEM ? "out of memory"
                                             : "expected a comma-separated list without empty items");
        return rc;
    }
    rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        if (!in_choices(k->choices, items[i])) {
            choices_text(k->choices, text, sizeof text);
            snprintf(err, errlen, "each item must be one of %s (got '%s')", text, items[i]);
            rc = ES_EINVAL;
        }
    es__strv_free(items, n);
    return rc;
}

void es__key_bounds(const es_config_key_t *k, char *buf, size_t len)
{
    buf[0] = '\0';
    if (ranged(k->type)) {
        if (k->min && k->max)
            snprintf(buf, len, "%s..%s", k->min, k->max);
        else if (k->min)
            snprintf(buf, len, ">= %s", k->min);
        else if (k->max)
            snprintf(buf, len, "<= %s", k->max);
    } else if (k->choices && (k->type == ES_KEY_STRING || k->type == ES_KEY_LIST)) {
        snprintf(buf, len, "%s", k->choices);
    }
}
