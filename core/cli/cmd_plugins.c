#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "config_keys.h"
#include "config_value.h"
#include "loader.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: earshot plugins [-c FILE] [--describe NAME]\n"
            "\n"
            "Lists the plugins found on the plugin path (EARSHOT_PLUGIN_PATH, the\n"
            "config's plugin_dir, then the install directory) with kind and ABI.\n"
            "\n"
            "  -d, --describe NAME  print every config key of plugin NAME with its\n"
            "                       type, default and help text\n"
            "  -c, --config FILE    read plugin_dir from this config\n"
            "      --man            print earshot.conf(5) for every plugin found\n");
}

static void list_one(const char *name, const char *path, const es_plugin_t *d, const char *err,
                     void *arg)
{
    (void)arg;
    if (!d)
        printf("%-12s %-6s %-5s %s (%s)\n", name, "-", "-", path, err);
    else
        printf("%-12s %-6s %-5u %s\n", name, d->kind == ES_KIND_SOURCE ? "source" : "sink", d->abi,
               d->description ? d->description : "");
}

/* Prints the keys of k, but not those `own` (the plugin's) redeclares. */
static void print_keys(const es_config_key_t *k, const es_config_key_t *own)
{
    for (; k && k->name; k++) {
        if (own && es__key_find(own, k->name))
            continue;
        printf("  %-22s %-8s", k->name, es__key_type_name(k->type));
        if (k->required)
            printf(" required");
        else if (k->def)
            printf(" default: %s", k->def);
        char bounds[256];
        es__key_bounds(k, bounds, sizeof bounds);
        if (*bounds)
            printf(" %s: %s", k->choices ? "one of" : "range", bounds);
        printf("\n      %s\n", k->help ? k->help : "");
    }
}

static int describe(const char *search, const char *name)
{
    int found = 0;
    for (int kind = ES_KIND_SOURCE; kind <= ES_KIND_SINK; kind++) {
        es_plugin_handle_t *h;
        char err[1024];
        int rc = es__loader_open(search, name, (es_plugin_kind_t)kind, &h, err, sizeof err);
        if (rc == ES_EINVAL && strstr(err, "has no"))
            continue;
        if (rc < 0) {
            fprintf(stderr, "earshot plugins: %s\n", err);
            return 1;
        }
        found = 1;
        const char *k = kind == ES_KIND_SOURCE ? "source" : "sink";
        printf("[%s NAME]\nplugin = %s    ; %s, ABI %u\n    %s\n\nkeys:\n", k, name, h->path,
               h->desc->abi, h->desc->description ? h->desc->description : "");
        print_keys(h->desc->keys, NULL);
        printf("\ncore keys of every %s:\n", k);
        print_keys(es__core_instance_keys + 1, h->desc->keys); /* "plugin" is shown above */
        if (kind == ES_KIND_SINK)
            print_keys(es__core_sink_keys, h->desc->keys);
        printf("\n");
        es__loader_close(h);
    }
    if (!found) {
        fprintf(stderr, "earshot plugins: %s: no source or sink descriptor\n", name);
        return 1;
    }
    return 0;
}

int es__cmd_plugins(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"describe", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"man", no_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL, *path = NULL;
    int man = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': name = optarg; break;
        case 'c': path = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'm': man = 1; break;
        default: usage(stderr); return 2;
        }
    }
    char *plugin_dir = NULL;
    if (path) {
        es_diag_t diag = {0};
        es_config_t *cfg = NULL;
        if (es__config_load(path, &cfg, &diag) == 0 && cfg->plugin_dir)
            plugin_dir = strdup(cfg->plugin_dir);
        es__diag_free(&diag);
        es__config_free(cfg);
    }
    char *search = es__loader_search_path(plugin_dir);
    free(plugin_dir);
    if (!search)
        return 1;
    int rc = 0;
    if (man) {
        rc = es__man_conf(search);
    } else if (name) {
        rc = describe(search, name);
    } else {
        printf("%-12s %-6s %-5s %s\n", "NAME", "KIND", "ABI", "DESCRIPTION");
        es__loader_list(search, list_one, NULL);
    }
    free(search);
    return rc;
}
