/*
 * earshot query test: a query is tuned against real mentions before it is
 * deployed. Runs the config's brand and topic queries (or one given on the
 * command line) over a jsonl file or the SQL sink's database and prints
 * each matching mention with its matched words highlighted, counts per
 * query, and with --explain which parts of the query matched.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "config_value.h"
#include <earshot/json.h>
#include "query/query.h"
#include "report/report.h"
#include "util.h"

typedef struct qt {
    es_matcher_t *mt;
    const char **names; /* per query: "brand acme", "topic pricing", "query" */
    size_t n_names;
    long *counts;
    long seen, matched, shown, limit;
    int explain, color, count_only;
    es_qtoks_t toks;
    unsigned char *mark; /* per token: highlight */
    size_t mark_cap;
} qt_t;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: earshot query test [-c FILE] [--brand NAME | --topic NAME | --query 'QUERY']\n"
            "                          [--explain] [--count] [--limit N] [FILE.jsonl ... | --db since=7d]\n"
            "  Prints the mentions the queries match, matched words highlighted, and\n"
            "  how many each query matched. Without --brand/--topic/--query: every\n"
            "  [brand] and [topic] of the config.\n"
            "  --db since=DUR[,dsn=DSN]  read the SQL sink's mentions of the last DUR\n"
            "  --explain                 show which parts of the query matched\n"
            "  --count                   counts only\n"
            "  --limit N                 print at most N mentions (default 50; counts cover all)\n");
}

static void mark_tok(void *arg, size_t tok)
{
    qt_t *q = arg;
    if (tok < q->toks.n)
        q->mark[tok] = 1;
}

/* The field with its marked words between escapes (terminal) or **. */
static void print_marked(qt_t *q, const char *label, const char *s, int title)
{
    if (!s || !*s)
        return;
    printf("    %s: ", label);
    size_t at = 0, n = strlen(s);
    for (size_t i = 0; i < q->toks.n; i++) {
        const es_qtok_t *k = &q->toks.v[i];
        if (!q->mark[i] || ((k->flags & ES_QTOK_TITLE) != 0) != title)
            continue;
        fwrite(s + at, 1, k->start - at, stdout);
        fputs(q->color ? "\033[1;7m" : "**", stdout);
        fwrite(s + k->start, 1, k->len, stdout);
        fputs(q->color ? "\033[0m" : "**", stdout);
        at = k->start + k->len;
    }
    fwrite(s + at, 1, n - at, stdout);
    putchar('\n');
}

static void explain_node(void *arg, const es_qnode_t *n, int matched)
{
    const char *text = arg;
    static const char *const kinds[] = {"AND", "OR", "NOT", "NEAR", "word", "phrase", "field"};
    printf("      %s %-6s %.*s\n", matched ? "yes" : "no ", kinds[n->kind], (int)n->len, text + n->off);
}

static void run_one(qt_t *q, const es_mention_t *m)
{
    q->seen++;
    es__qtoks_from_mention(&q->toks, m);
    const uint32_t *hits;
    int n = es__matcher_run(q->mt, &q->toks, &hits);
    if (n <= 0)
        return;
    q->matched++;
    for (int i = 0; i < n; i++)
        q->counts[hits[i]]++;
    if (q->count_only || q->shown >= q->limit)
        return;
    q->shown++;
    if (q->toks.n > q->mark_cap) {
        free(q->mark);
        q->mark_cap = q->toks.n * 2;
        if (!(q->mark = malloc(q->mark_cap))) {
            q->mark_cap = 0;
            return;
        }
    }
    memset(q->mark, 0, q->toks.n);
    printf("%s", m->id ? m->id : "(no id)");
    for (int i = 0; i < n; i++) {
        printf("%s%s", i ? ", " : "  [", q->names[hits[i]]);
        es__matcher_spans(q->mt, &q->toks, hits[i], mark_tok, q);
    }
    printf("]%s%s\n", m->url ? "  " : "", m->url ? m->url : "");
    if (m->author)
        printf("    author: %s\n", m->author);
    print_marked(q, "title", m->title, 1);
    print_marked(q, "text", m->text, 0);
    if (q->explain)
        for (int i = 0; i < n; i++) {
            const es_query_t *qq = es__matcher_query(q->mt, hits[i]);
            printf("    why %s:\n", q->names[hits[i]]);
            es__matcher_explain(q->mt, &q->toks, hits[i], explain_node, qq->text);
        }
}

static int read_jsonl(qt_t *q, const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "earshot query test: cannot open %s: %m\n", path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0, bad = 0;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        if (strspn(line, " \t\r\n") == strlen(line))
            continue;
        json_error_t je;
        json_t *o = json_loads(line, JSON_ALLOW_NUL, &je);
        if (!json_is_object(o)) {
            if (bad++ < 5)
                fprintf(stderr, "earshot query test: %s:%ld: not a JSON object: %s\n", path, lineno, je.text);
            json_decref(o);
            continue;
        }
        es_mention_t m;
        es_mention_scratch_t sc;
        const char *why;
        es_mention_from_object(o, &m, &sc, &why);
        if (m.text)
            run_one(q, &m);
        json_decref(o);
    }
    if (bad > 5)
        fprintf(stderr, "earshot query test: %s: %ld more lines like that\n", path, bad - 5);
    free(line);
    if (f != stdin)
        fclose(f);
    return 0;
}

static int db_row(void *ud, int ncols, const char *const *v)
{
    (void)ncols;
    es_mention_t m = {.id = v[0], .network = v[1], .author = v[2], .url = v[3], .title = v[4],
                      .text = v[5] ? v[5] : "", .lang = v[6]};
    m.created_at = v[7] ? strtoll(v[7], NULL, 10) : 0;
    run_one(ud, &m);
    return 0;
}

static int read_db(qt_t *q, const es_config_t *cfg, const char *spec)
{
    char *s = es__strdup(spec), *save = NULL;
    const char *since_s = "7d", *dsn = NULL;
    for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strncmp(tok, "since=", 6))
            since_s = tok + 6;
        else if (!strncmp(tok, "dsn=", 4))
            dsn = tok + 4;
        else {
            fprintf(stderr, "earshot query test: --db: unknown '%s' (expected since=DUR or dsn=DSN)\n", tok);
            free(s);
            return -1;
        }
    }
    es_value_t since;
    char err[512];
    int rc = -1;
    es_report_db_t *db = NULL;
    if (es__value_parse(ES_KEY_DURATION, since_s, &since, err, sizeof err) < 0) {
        fprintf(stderr, "earshot query test: --db since=%s: %s\n", since_s, err);
    } else if (es__report_db_open(dsn ? dsn : es__report_default_dsn(cfg), cfg->state_dir, &db, err, sizeof err) <
               0) {
        fprintf(stderr, "earshot query test: %s\n", err);
    } else {
        char from[32];
        snprintf(from, sizeof from, "%lld", (long long)(es__now_s() - (int64_t)(since.ms / 1000)));
        const char *params[1] = {from};
        rc = es__report_db_query(db,
                                "SELECT id, network, author, url, title, text, lang, created_at FROM mentions"
                                " WHERE created_at >= ?1 ORDER BY created_at",
                                1, params, db_row, q, err, sizeof err);
        if (rc < 0)
            fprintf(stderr, "earshot query test: reading %s: %s\n", es__report_db_label(db), err);
    }
    es__report_db_close(db);
    free(s);
    return rc < 0 ? -1 : 0;
}

/* A command-line query's error, with a caret under the column. */
static void show_error(const char *text, const es_query_error_t *e)
{
    fprintf(stderr, "earshot query test: --query:1:%zu: %s\n  %s\n  %*s^\n", e->offset + 1, e->msg, text,
            (int)e->offset, "");
}

static int add_section(qt_t *q, const es_kv_t *query, char *const *kw, size_t n_kw, const char *name)
{
    es_query_t *qq = NULL;
    es_query_error_t e;
    int rc = query ? es__query_parse(query->value, &qq, &e) : es__query_from_keywords(kw, n_kw, &qq, &e);
    if (rc == ES_EPARSE) {
        char pos[600];
        if (query)
            es__config_value_pos(query, e.offset, pos, sizeof pos);
        fprintf(stderr, "earshot query test: %s: %s: %s\n", query ? pos : "keywords", name, e.msg);
        return -1;
    }
    if (rc < 0 || es__matcher_add(q->mt, qq) < 0)
        return -1;
    q->names[q->n_names++] = name;
    return 0;
}

static int cmd_test(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"brand", required_argument, NULL, 'b'},
        {"topic", required_argument, NULL, 't'},  {"query", required_argument, NULL, 'q'},
        {"db", required_argument, NULL, 'd'},     {"explain", no_argument, NULL, 'e'},
        {"count", no_argument, NULL, 'n'},        {"limit", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *cfgpath = NULL, *brand = NULL, *topic = NULL, *query = NULL, *dbspec = NULL;
    qt_t q = {.limit = 50, .color = isatty(1)};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': cfgpath = optarg; break;
        case 'b': brand = optarg; break;
        case 't': topic = optarg; break;
        case 'q': query = optarg; break;
        case 'd': dbspec = optarg; break;
        case 'e': q.explain = 1; break;
        case 'n': q.count_only = 1; break;
        case 'l': q.limit = strtol(optarg, NULL, 10); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!!brand + !!topic + !!query > 1 || (dbspec && optind < argc) || (!dbspec && optind >= argc)) {
        usage(stderr);
        return 2;
    }
    es_config_t *cfg = NULL;
    es_diag_t diag = {0};
    int rc = es__config_load(cfgpath, &cfg, &diag);
    /* Only the listening sections matter here: a sink's unset secret does
     * not stop a query from being tried. Their own errors do. */
    int bad = rc < 0;
    for (size_t i = 0; i < diag.count; i++)
        if (strstr(diag.msgs[i], "query:") || strstr(diag.msgs[i], "[brand") || strstr(diag.msgs[i], "[topic") ||
            strstr(diag.msgs[i], "keywords:")) {
            fprintf(stderr, "%s\n", diag.msgs[i]);
            bad = 1;
        }
    es__diag_free(&diag);
    if (bad && !query) {
        es__config_free(cfg);
        return 2;
    }
    if (rc < 0) {
        fprintf(stderr, "earshot query test: cannot read the config %s\n", cfgpath ? cfgpath : es__config_default_path());
        return 2;
    }
    size_t total = cfg->n_brands + cfg->n_topics + 1;
    q.names = calloc(total, sizeof *q.names);
    q.counts = calloc(total, sizeof *q.counts);
    char **labels = calloc(total, sizeof *labels);
    int status = 2;
    if (!q.names || !q.counts || !labels || es__matcher_new(&q.mt) < 0)
        goto done;
    size_t nl = 0;
    if (query) {
        es_query_t *qq;
        es_query_error_t e;
        if (es__query_parse(query, &qq, &e) < 0) {
            show_error(query, &e);
            goto done;
        }
        if (es__matcher_add(q.mt, qq) < 0)
            goto done;
        q.names[q.n_names++] = "query";
    }
    for (size_t i = 0; !query && i < cfg->n_brands; i++) {
        const es_brand_cfg_t *b = &cfg->brands[i];
        if (topic || (brand && strcmp(brand, b->name)))
            continue;
        if (!(labels[nl] = es__asprintf("brand %s", b->name)) ||
            add_section(&q, b->query, b->keywords, b->n_keywords, labels[nl++]) < 0)
            goto done;
    }
    for (size_t i = 0; !query && i < cfg->n_topics; i++) {
        const es_topic_cfg_t *t = &cfg->topics[i];
        if (brand || (topic && strcmp(topic, t->name)))
            continue;
        if (!(labels[nl] = es__asprintf("topic %s", t->name)) || add_section(&q, t->query, NULL, 0, labels[nl++]) < 0)
            goto done;
    }
    if (q.n_names == 0) {
        fprintf(stderr, "earshot query test: %s\n",
                brand ? "no such [brand] in the config" : topic ? "no such [topic] in the config"
                                                        : "the config has no [brand] or [topic]: give --query");
        goto done;
    }
    if (es__matcher_compile(q.mt) < 0)
        goto done;
    status = 0;
    if (dbspec) {
        if (read_db(&q, cfg, dbspec) < 0)
            status = 1;
    } else {
        for (int i = optind; i < argc; i++)
            if (read_jsonl(&q, argv[i]) < 0)
                status = 1;
    }
    if (q.shown < q.matched && !q.count_only)
        printf("... %ld more matching mentions not shown (--limit)\n", q.matched - q.shown);
    printf("%ld of %ld mentions match\n", q.matched, q.seen);
    for (size_t i = 0; i < q.n_names; i++)
        printf("  %-30s %8ld  %5.1f%%\n", q.names[i], q.counts[i], q.seen ? 100.0 * (double)q.counts[i] / (double)q.seen : 0.0);
done:
    for (size_t i = 0; labels && i < total; i++)
        free(labels[i]);
    free(labels);
    es__matcher_free(q.mt);
    es__qtoks_free(&q.toks);
    free(q.mark);
    free(q.names);
    free(q.counts);
    es__config_free(cfg);
    return status;
}

int es__cmd_query(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "test"))
        return cmd_test(argc - 1, argv + 1);
    fprintf(stderr, "earshot query: unknown subcommand '%s' (expected test)\n", argv[1]);
    return 2;
}
