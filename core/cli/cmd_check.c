#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "config.h"
#include "pipeline.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: earshot check [-c FILE]\n"
            "\n"
            "Validates the main configuration and every drop-in as `run` would,\n"
            "without opening a connection: each instance's plugin is loaded to check\n"
            "its keys and their bounds, and the lexicons and the inventory are read.\n"
            "Prints one 'file:line: message' per problem; exits 1 if there is any,\n"
            "0 otherwise.\n"
            "\n"
            "  -c, --config FILE  main configuration (default %s)\n",
            es__config_default_path());
}

int es__cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': path = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    es_diag_t diag = {0};
    es_config_t *cfg = NULL;
    int rc = es__config_load(path, &cfg, &diag);
    if (rc == 0) {
        es__config_validate(cfg, &diag);
        /* What the start loads besides the config: lexicons, inventory. */
        es__pipeline_preflight(cfg, &diag);
    }
    es__diag_sort(&diag, cfg);
    for (size_t i = 0; i < diag.count; i++)
        printf("%s\n", diag.msgs[i]);
    int bad = rc < 0 || diag.count > 0;
    if (!bad)
        printf("%s: OK (%zu file(s), %zu instance(s), %zu brand(s))\n", cfg->main_path,
               cfg->n_files, cfg->n_instances, cfg->n_brands);
    else if (rc < 0 && !diag.count)
        printf("%s: %s\n", path ? path : es__config_default_path(), es_strerror(rc));
    es__diag_free(&diag);
    es__config_free(cfg);
    return bad ? 1 : 0;
}
