/* earshot: dispatch to a subcommand. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "uninstalled.h"
#include "config.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: earshot COMMAND [OPTIONS]\n"
            "\n"
            "commands:\n"
            "  run      run the agent (sources -> stages -> sinks)\n"
            "  check    validate the configuration and every drop-in\n"
            "  plugins  list installed plugins, or describe one's keys\n"
            "  accounts import/export the account inventory, reconcile accounts\n"
            "  spool    status of the per-sink spools; requeue dead letters; drop records\n"
            "  import   import Twitter/X export files once through the configured sinks\n"
            "  score    score texts with the sentiment engine (JSON per line)\n"
            "  report   one HTML page with charts from the sql sink's database\n"
            "  query    try brand and topic queries on mentions (query test)\n"
            "  version  print the version\n"
            "\n"
            "Each command takes --help. Default config: %s\n",
            es__config_default_path());
}

int main(int argc, char **argv)
{
    es__uninstalled_setup();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("earshot %s (plugin ABI %d)\n", PACKAGE_VERSION, ES_PLUGIN_ABI);
        return 0;
    }
    /* libcurl's global init is not thread-safe; do it once, first. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc;
    if (!strcmp(cmd, "run"))
        rc = es__cmd_run(argc - 1, argv + 1);
    else if (!strcmp(cmd, "check"))
        rc = es__cmd_check(argc - 1, argv + 1);
    else if (!strcmp(cmd, "plugins"))
        rc = es__cmd_plugins(argc - 1, argv + 1);
    else if (!strcmp(cmd, "accounts"))
        rc = es__cmd_accounts(argc - 1, argv + 1);
    else if (!strcmp(cmd, "import"))
        rc = es__cmd_import(argc - 1, argv + 1);
    else if (!strcmp(cmd, "spool"))
        rc = es__cmd_spool(argc - 1, argv + 1);
    else if (!strcmp(cmd, "score"))
        rc = es__cmd_score(argc - 1, argv + 1);
    else if (!strcmp(cmd, "report"))
        rc = es__cmd_report(argc - 1, argv + 1);
    else if (!strcmp(cmd, "query"))
        rc = es__cmd_query(argc - 1, argv + 1);
    else {
        fprintf(stderr, "earshot: unknown command '%s'\n", cmd);
        usage(stderr);
        rc = 2;
    }
    curl_global_cleanup();
    return rc;
}
