/* earshot report: one self-contained HTML page from the sql sink's
 * database and the state DB's account reconciliation. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config_value.h"
#include "report.h"
#include "util.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: earshot report [-c FILE] [--db DSN] [--since 30d] [--brand NAME] --out report.html\n"
                 "  Writes one self-contained HTML page (inline SVG charts, CSS-only filters, no\n"
                 "  script, no external asset): share of voice, sentiment per brand and over time\n"
                 "  (hourly for 48 h), volume with alerts, the alerts, topics and their phrases,\n"
                 "  negative issues per day, top authors and engaged mentions, channels, owned and\n"
                 "  earned, networks and languages, response rate and time per team and account,\n"
                 "  and the accounts reconciliation. The daemon serves it as GET /report.\n"
                 "  --db DSN     sqlite:PATH (relative to state_dir), a file path, or\n"
                 "               postgresql://...; default: the dsn of the configured sql sink,\n"
                 "               else STATE_DIR/earshot.db\n"
                 "  --since DUR  window ending now (default 30d)\n"
                 "  --brand NAME only this brand\n"
                 "  --out FILE   where to write the page ('-' for standard output)\n");
}

/* The first configured sql sink's dsn, else "" (the sink's default). */
const char *es__report_default_dsn(const es_config_t *cfg)
{
    for (size_t i = 0; i < cfg->n_instances; i++) {
        const es_instance_cfg_t *ic = &cfg->instances[i];
        if (ic->kind == ES_KIND_SINK && ic->plugin && !strcmp(ic->plugin, "sql")) {
            const es_kv_t *kv = es__instance_cfg_get(ic, "dsn");
            return kv && kv->value ? kv->value : "";
        }
    }
    return "";
}

static void warn_state(const char *state_dir)
{
    fprintf(stderr, "earshot report: cannot read %s/state.db; accounts left out\n", state_dir);
}

static int write_page(const char *out, const es_report_source_t *src, const es_report_opts_t *o)
{
    char err[512] = "";
    if (!strcmp(out, "-")) {
        int rc = es__report_page_write(stdout, src, o, err, sizeof err);
        if (rc == 0 && fflush(stdout))
            rc = ES_EIO, snprintf(err, sizeof err, "cannot write the page");
        if (rc < 0)
            fprintf(stderr, "earshot report: %s\n", err);
        return rc;
    }
    /* Next to the target then renamed: a reader never sees half a page. */
    char *tmp = es__asprintf("%s.tmp.%ld", out, (long)getpid());
    if (!tmp)
        return ES_ENOMEM;
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "earshot report: cannot write %s: %m\n", out);
        free(tmp);
        return ES_EIO;
    }
    int rc = es__report_page_write(f, src, o, err, sizeof err);
    int eio = rc == ES_EIO;
    if (fclose(f) != 0)
        rc = ES_EIO, eio = 1;
    if (rc == 0 && rename(tmp, out) != 0)
        rc = ES_EIO, eio = 1;
    if (rc < 0) {
        if (eio)
            fprintf(stderr, "earshot report: cannot write %s: %m\n", out);
        else
            fprintf(stderr, "earshot report: %s\n", err);
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

int es__cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"db", required_argument, NULL, 'd'},
        {"since", required_argument, NULL, 's'},  {"brand", required_argument, NULL, 'b'},
        {"out", required_argument, NULL, 'o'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cfgpath = NULL, *dsn = NULL, *since_s = "30d", *brand = NULL, *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:d:s:b:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': cfgpath = optarg; break;
        case 'd': dsn = optarg; break;
        case 's': since_s = optarg; break;
        case 'b': brand = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "earshot report: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!out || !*out) {
        fprintf(stderr, "earshot report: --out FILE is required\n");
        usage(stderr);
        return 2;
    }
    es_value_t since;
    char err[512];
    if (es__value_parse(ES_KEY_DURATION, since_s, &since, err, sizeof err) < 0) {
        fprintf(stderr, "earshot report: --since '%s': %s\n", since_s, err);
        return 2;
    }
    if (since.ms < 1000 || since.ms > 3660ull * 86400 * 1000) {
        fprintf(stderr, "earshot report: --since '%s': expected between 1s and 3660d\n", since_s);
        return 2;
    }
    if (brand && !*brand) {
        fprintf(stderr, "earshot report: --brand needs a name\n");
        return 2;
    }
    es_config_t *cfg = NULL;
    es_state_t *st = es__cmd_open_state("report", cfgpath, &cfg);
    if (!st)
        return 1;
    if (brand) {
        /* A misspelt brand would give an empty page that looks like calm. */
        size_t i;
        for (i = 0; i < cfg->n_brands && strcmp(cfg->brands[i].name, brand); i++)
            ;
        if (i == cfg->n_brands) {
            fprintf(stderr, "earshot report: --brand %s: no such brand in %s (brands:", brand, cfg->main_path);
            for (i = 0; i < cfg->n_brands; i++)
                fprintf(stderr, "%s %s", i ? "," : "", cfg->brands[i].name);
            fprintf(stderr, "%s)\n", cfg->n_brands ? "" : " none");
            es__state_close(st);
            es__config_free(cfg);
            return 1;
        }
    }
    es_report_opts_t o = {.now = es__now_s(), .brand = brand};
    o.since = o.now - (int64_t)(since.ms / 1000);
    es_report_source_t src = {.dsn = dsn ? dsn : es__report_default_dsn(cfg), .state_dir = cfg->state_dir,
                              .state = st, .on_warning = warn_state};
    int rc = write_page(out, &src, &o);
    es__state_close(st);
    es__config_free(cfg);
    return rc < 0 ? 1 : 0;
}
