#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <earshot/file.h>
#include <earshot/numfmt.h>
#include <earshot/strbuf.h>

struct es_wh_template {
    json_t *doc;
};

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.';
}

/* Filters a placeholder may end with ({{share|percent}}): the number
 * formats of core/include/earshot/numfmt.h, so a template reads like the Slack message. */
static const char *const filters[] = {"percent", "p", "int", "compact", "number", NULL};

static int filter_of(const char *s, size_t len)
{
    for (int i = 0; filters[i]; i++)
        if (strlen(filters[i]) == len && !memcmp(filters[i], s, len))
            return i;
    return -1;
}

/* Checks every placeholder of one string: "{{" must open a name made of
 * letters, digits, '_' and '.', optionally "|filter", closed by "}}". */
static int check_string(const char *s, char *bad, size_t bad_len)
{
    for (const char *p = strstr(s, "{{"); p; p = strstr(p, "{{")) {
        const char *n = p + 2, *e = n;
        while (name_char(*e))
            e++;
        if (e != n && *e == '|') {
            const char *f = ++e;
            while (name_char(*e))
                e++;
            if (filter_of(f, (size_t)(e - f)) < 0)
                e = f - 1; /* an unknown filter is malformed */
        }
        if (e == n || e[0] != '}' || e[1] != '}') {
            snprintf(bad, bad_len, "%.40s", p);
            return -1;
        }
        p = e + 2;
    }
    return 0;
}

static int check_tree(const json_t *v, char *bad, size_t bad_len)
{
    if (json_is_string(v))
        return check_string(json_string_value(v), bad, bad_len);
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) if (check_tree(x, bad, bad_len)) return -1;
    } else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) if (check_tree(x, bad, bad_len)) return -1;
    }
    return 0;
}

es_wh_template_t *es_wh_template_parse(const char *text, const char *name, char *err,
                                       size_t err_len)
{
    json_error_t je;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        snprintf(err, err_len, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        return NULL;
    }
    char bad[64];
    if (check_tree(doc, bad, sizeof bad)) {
        snprintf(err, err_len, "%s: malformed placeholder near \"%s\" (want {{field}})", name, bad);
        json_decref(doc);
        return NULL;
    }
    es_wh_template_t *t = malloc(sizeof *t);
    if (!t) {
        snprintf(err, err_len, "%s: out of memory", name);
        json_decref(doc);
        return NULL;
    }
    t->doc = doc;
    return t;
}

es_wh_template_t *es_wh_template_load(const char *path, char *err, size_t err_len)
{
    json_error_t je;
    char oerr[256];
    int fd = es_file_open_regular(path, NULL, oerr, sizeof oerr); /* never block on a FIFO */
    if (fd < 0) {
        snprintf(err, err_len, "%s: %s", path, oerr);
        return NULL;
    }
    /* jansson gives line/column for syntax errors. */
    json_t *doc = json_loadfd(fd, JSON_REJECT_DUPLICATES, &je);
    close(fd);
    if (!doc) {
        if (je.line <= 0)
            snprintf(err, err_len, "%s: %s", path, je.text);
        else
            snprintf(err, err_len, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!text) {
        snprintf(err, err_len, "%s: out of memory", path);
        return NULL;
    }
    es_wh_template_t *t = es_wh_template_parse(text, path, err, err_len);
    free(text);
    return t;
}

void es_wh_template_free(es_wh_template_t *t)
{
    if (!t)
        return;
    json_decref(t->doc);
    free(t);
}

/* The value at a dotted path, borrowed; NULL when absent. */
static const json_t *lookup(const json_t *record, const char *name, size_t len)
{
    if (len == 6 && !memcmp(name, "record", 6))
        return record;
    const json_t *cur = record;
    while (len > 0 && cur) {
        const char *dot = memchr(name, '.', len);
        size_t part = dot ? (size_t)(dot - name) : len;
        cur = json_is_object(cur) ? json_object_getn(cur, name, part) : NULL;
        if (!dot)
            break;
        name = dot + 1;
        len -= part + 1;
    }
    return cur;
}

typedef es_strbuf_t buf_t;

static void put(buf_t *b, const char *s, size_t n) { es_strbuf_put(b, s, n); }

static void put_value(buf_t *b, const json_t *v)
{
    char num[64];
    if (!v || json_is_null(v))
        return;
    if (json_is_string(v)) {
        put(b, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        put(b, num, strlen(num));
    } else if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        put(b, num, strlen(num));
    } else if (json_is_true(v)) {
        put(b, "true", 4);
    } else if (json_is_false(v)) {
        put(b, "false", 5);
    } else {
        char *j = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!j) {
            b->oom = 1;
            return;
        }
        put(b, j, strlen(j));
        free(j);
    }
}

/* A number through its filter; anything else as put_value writes it. */
static void put_filtered(buf_t *b, const json_t *v, int filter)
{
    char num[64];
    if (filter < 0 || !json_is_number(v)) {
        put_value(b, v);
        return;
    }
    double x = json_number_value(v);
    int l;
    switch (filter) {
    case 0: l = es_numfmt_percent(x, num, sizeof num); break;
    case 1: l = es_numfmt_p(x, num, sizeof num); break;
    case 2: l = es_numfmt_int((long long)x, num, sizeof num); break;
    case 3: l = es_numfmt_compact(x, num, sizeof num); break;
    default: l = es_numfmt_number(x, num, sizeof num); break;
    }
    if (l > 0)
        put(b, num, (size_t)l);
}

/* The field and filter of the placeholder between open+2 and close. */
static void put_placeholder(buf_t *b, const json_t *record, const char *name, size_t len)
{
    const char *bar = memchr(name, '|', len);
    if (!bar) {
        put_value(b, lookup(record, name, len));
        return;
    }
    put_filtered(b, lookup(record, name, (size_t)(bar - name)),
                 filter_of(bar + 1, len - (size_t)(bar - name) - 1));
}

static json_t *render_string(const char *s, size_t slen, const json_t *record)
{
    const char *open = strstr(s, "{{");
    if (!open)
        return json_stringn(s, slen);
    /* A lone placeholder keeps the field's JSON type (a filtered one is
     * text: that is what the filter is for). */
    if (open == s && slen > 4 && !strcmp(s + slen - 2, "}}") && !strstr(s + 2, "{{") &&
        !memchr(s, '|', slen)) {
        const json_t *v = lookup(record, s + 2, slen - 4);
        return v ? json_deep_copy(v) : json_null();
    }
    buf_t b = {0};
    const char *p = s;
    while ((open = strstr(p, "{{"))) {
        put(&b, p, (size_t)(open - p));
        const char *close = strstr(open + 2, "}}"); /* checked at load */
        put_placeholder(&b, record, open + 2, (size_t)(close - open - 2));
        p = close + 2;
    }
    put(&b, p, strlen(p));
    json_t *out = b.oom ? NULL : json_stringn(b.s ? b.s : "", b.len);
    free(b.s);
    return out;
}

static json_t *render(const json_t *v, const json_t *record)
{
    if (json_is_string(v))
        return render_string(json_string_value(v), json_string_length(v), record);
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (!a || json_array_append_new(a, render(x, record))) {
                json_decref(a);
                return NULL;
            }
        }
        return a;
    }
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            if (!o || json_object_set_new(o, k, render(x, record))) {
                json_decref(o);
                return NULL;
            }
        }
        return o;
    }
    return json_deep_copy(v);
}

json_t *es_wh_template_render(const es_wh_template_t *t, const json_t *record)
{
    return render(t->doc, record);
}
