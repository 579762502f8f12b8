/* earshot accounts import|export|reconcile */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account_store.h"
#include "cmd.h"
#include "config.h"
#include "config_value.h"
#include "inventory.h"
#include "reconcile.h"
#include "state.h"
#include "util.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: earshot accounts import [-c FILE] INVENTORY.csv\n"
            "       earshot accounts export [-c FILE] [-o OUT.csv]\n"
            "       earshot accounts reconcile [-c FILE] [--since 90d] [--format table|json|csv]\n"
            "\n"
            "import    validates an inventory CSV (network,handle,brand,owner,status[,url,notes])\n"
            "          and stores it in the state database\n"
            "export    writes the stored inventory as CSV (round-trips import)\n"
            "reconcile lists dormant official accounts, sunset accounts still in use,\n"
            "          lookalikes seen, accounts without owner, and response rate and time\n"
            "          per team and account, over the window given by --since\n");
}

static int do_import(es_state_t *st, const char *path)
{
    es_diag_t diag = {0};
    es_accounts_t *a = NULL;
    int rc = es__accounts_load(path, &a, &diag);
    for (size_t i = 0; i < diag.count; i++)
        fprintf(stderr, "%s\n", diag.msgs[i]);
    int bad = rc < 0 || diag.count;
    es__diag_free(&diag);
    if (!bad) {
        es_acct_store_t *s;
        bad = es__acct_store_new(st, &s) < 0 || es__acct_store_snapshot(s, a) < 0;
        es__acct_store_free(s);
        if (!bad)
            printf("imported %zu account(s) from %s\n", a->n, path);
    }
    es__accounts_free(a);
    return bad ? 1 : 0;
}

static int do_export(es_state_t *st, const char *out_path)
{
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
        perror(out_path);
        return 1;
    }
    es_accounts_t a = {0};
    if (es__acct_store_load(st, &a) < 0) {
        fprintf(stderr, "earshot accounts: %s\n", es__state_errmsg(st));
        if (out != stdout)
            fclose(out);
        return 1;
    }
    int rc = es__accounts_write_csv(&a, out);
    for (size_t i = 0; i < a.n; i++) {
        es_account_t *ac = &a.v[i];
        free(ac->network), free(ac->handle), free(ac->brand), free(ac->owner), free(ac->url), free(ac->notes);
    }
    free(a.v);
    if (out != stdout)
        fclose(out);
    return rc < 0 ? 1 : 0;
}

static void fmt_time(json_t *v, char *buf, size_t n)
{
    if (!json_is_integer(v) || json_integer_value(v) == 0) {
        snprintf(buf, n, "never");
        return;
    }
    time_t t = (time_t)json_integer_value(v);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
}

static const char *js(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "-";
}

static void fmt_dur(json_t *v, char *buf, size_t n)
{
    if (!json_is_integer(v)) {
        snprintf(buf, n, "-");
        return;
    }
    int64_t s = json_integer_value(v);
    if (s < 3600)
        snprintf(buf, n, "%" PRId64 "m", s / 60);
    else
        snprintf(buf, n, "%" PRId64 "h%02" PRId64, s / 3600, (s % 3600) / 60);
}

static void print_table(json_t *r)
{
    size_t i;
    json_t *o;
    char t1[32], t2[32];
    printf("DORMANT official accounts (no post in the window)\n");
    printf("  %-10s %-22s %-10s %-16s %-8s %s\n", "NETWORK", "HANDLE", "BRAND", "OWNER", "STATUS", "LAST POST");
    json_array_foreach(json_object_get(r, "dormant"), i, o) {
        fmt_time(json_object_get(o, "last_post"), t1, sizeof t1);
        printf("  %-10s %-22s %-10s %-16s %-8s %s\n", js(o, "network"), js(o, "handle"), js(o, "brand"),
               js(o, "owner"), js(o, "status"), t1);
    }
    printf("\nSUNSET accounts still posting or addressed\n");
    printf("  %-10s %-22s %-10s %-16s %-17s %s\n", "NETWORK", "HANDLE", "BRAND", "OWNER", "LAST POST", "LAST ADDRESSED");
    json_array_foreach(json_object_get(r, "sunset_active"), i, o) {
        fmt_time(json_object_get(o, "last_post"), t1, sizeof t1);
        fmt_time(json_object_get(o, "last_addressed"), t2, sizeof t2);
        printf("  %-10s %-22s %-10s %-16s %-17s %s\n", js(o, "network"), js(o, "handle"), js(o, "brand"),
               js(o, "owner"), t1, t2);
    }
    printf("\nLOOKALIKES seen\n");
    printf("  %-10s %-22s %-10s %5s %-17s %s\n", "NETWORK", "HANDLE", "BRAND", "SEEN", "LAST SEEN", "REASON");
    json_array_foreach(json_object_get(r, "lookalikes"), i, o) {
        fmt_time(json_object_get(o, "last_seen"), t1, sizeof t1);
        printf("  %-10s %-22s %-10s %5" JSON_INTEGER_FORMAT " %-17s %s\n", js(o, "network"), js(o, "handle"),
               js(o, "brand"), json_integer_value(json_object_get(o, "count")), t1, js(o, "reason"));
    }
    printf("\nACCOUNTS WITHOUT OWNER\n");
    json_array_foreach(json_object_get(r, "no_owner"), i, o)
        printf("  %-10s %-22s %-10s %s\n", js(o, "network"), js(o, "handle"), js(o, "brand"), js(o, "status"));
    printf("\nRESPONSES per team (mentions addressed to its accounts)\n");
    printf("  %-16s %9s %8s %6s %8s %8s\n", "TEAM", "ADDRESSED", "ANSWERED", "RATE", "MEDIAN", "P90");
    json_array_foreach(json_object_get(r, "responses_by_team"), i, o) {
        fmt_dur(json_object_get(o, "median_s"), t1, sizeof t1);
        fmt_dur(json_object_get(o, "p90_s"), t2, sizeof t2);
        printf("  %-16s %9" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT " %5.0f%% %8s %8s\n", js(o, "owner"),
               json_integer_value(json_object_get(o, "addressed")), json_integer_value(json_object_get(o, "answered")),
               100 * json_real_value(json_object_get(o, "rate")), t1, t2);
    }
    printf("\nRESPONSES per account\n");
    printf("  %-10s %-22s %-16s %9s %8s %6s %8s %8s\n", "NETWORK", "ACCOUNT", "TEAM", "ADDRESSED", "ANSWERED",
           "RATE", "MEDIAN", "P90");
    json_array_foreach(json_object_get(r, "responses_by_account"), i, o) {
        fmt_dur(json_object_get(o, "median_s"), t1, sizeof t1);
        fmt_dur(json_object_get(o, "p90_s"), t2, sizeof t2);
        printf("  %-10s %-22s %-16s %9" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT " %5.0f%% %8s %8s\n",
               js(o, "network"), js(o, "account"), js(o, "owner"),
               json_integer_value(json_object_get(o, "addressed")), json_integer_value(json_object_get(o, "answered")),
               100 * json_real_value(json_object_get(o, "rate")), t1, t2);
    }
}

/* One CSV for every section: a "section" column, then the union of fields. */
static void print_csv(json_t *r)
{
    static const char *const cols[] = {"network", "handle", "account", "brand", "owner", "status", "like",
                                       "reason", "score", "count", "first_seen", "last_seen", "last_post",
                                       "last_addressed", "addressed", "answered", "rate", "median_s",
                                       "p90_s", "example_url", NULL};
    static const char *const sections[] = {"dormant", "sunset_active", "lookalikes", "no_owner",
                                           "responses_by_team", "responses_by_account", NULL};
    printf("section");
    for (int c = 0; cols[c]; c++)
        printf(",%s", cols[c]);
    printf("\n");
    for (int s = 0; sections[s]; s++) {
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(r, sections[s]), i, o) {
            printf("%s", sections[s]);
            for (int c = 0; cols[c]; c++) {
                json_t *v = json_object_get(o, cols[c]);
                putchar(',');
                if (json_is_string(v)) {
                    const char *t = json_string_value(v);
                    if (strpbrk(t, ",\"\n")) {
                        putchar('"');
                        for (; *t; t++) {
                            if (*t == '"')
                                putchar('"');
                            putchar(*t);
                        }
                        putchar('"');
                    } else {
                        fputs(t, stdout);
                    }
                } else if (json_is_integer(v)) {
                    printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
                } else if (json_is_real(v)) {
                    printf("%.4f", json_real_value(v));
                }
            }
            printf("\n");
        }
    }
}

int es__cmd_accounts(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"output", required_argument, NULL, 'o'},
        {"since", required_argument, NULL, 's'},  {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1], *cfgpath = NULL, *outp = NULL, *since_s = "90d", *format = "table";
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "c:o:s:f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': cfgpath = optarg; break;
        case 'o': outp = optarg; break;
        case 's': since_s = optarg; break;
        case 'f': format = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    int nargs = argc - 1 - optind;
    char **args = argv + 1 + optind;
    if (strcmp(sub, "import") && strcmp(sub, "export") && strcmp(sub, "reconcile")) {
        fprintf(stderr, "earshot accounts: unknown subcommand '%s'\n", sub);
        usage(stderr);
        return 2;
    }
    if (!strcmp(sub, "import") && nargs != 1) {
        fprintf(stderr, "earshot accounts import: one inventory file expected\n");
        return 2;
    }
    es_value_t since;
    char err[256];
    if (es__value_parse(ES_KEY_DURATION, since_s, &since, err, sizeof err) < 0) {
        fprintf(stderr, "earshot accounts: --since: %s\n", err);
        return 2;
    }
    if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv")) {
        fprintf(stderr, "earshot accounts: --format must be table, json or csv\n");
        return 2;
    }
    es_config_t *cfg = NULL;
    es_state_t *st = es__cmd_open_state("accounts", cfgpath, &cfg);
    if (!st)
        return 1;
    int rc = 0;
    if (!strcmp(sub, "import")) {
        rc = do_import(st, args[0]);
    } else if (!strcmp(sub, "export")) {
        rc = do_export(st, outp);
    } else {
        int64_t now = es__now_s();
        json_t *r = NULL;
        if (es__state_reconcile(st, now - (int64_t)(since.ms / 1000), now, &r) < 0) {
            fprintf(stderr, "earshot accounts: cannot read %s/state.db\n", cfg->state_dir);
            rc = 1;
        } else if (!strcmp(format, "json")) {
            char *s = json_dumps(r, JSON_INDENT(2) | JSON_SORT_KEYS);
            printf("%s\n", s);
            free(s);
        } else if (!strcmp(format, "csv")) {
            print_csv(r);
        } else {
            print_table(r);
        }
        json_decref(r);
    }
    es__state_close(st);
    es__config_free(cfg);
    return rc;
}
