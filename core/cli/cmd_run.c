#include <getopt.h>
#include <stdio.h>

#include "agent.h"
#include "cmd.h"
#include "log.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: earshot run [-c FILE] [--once] [--dry-run] [--foreground] [--syslog]\n"
            "\n"
            "  -c, --config FILE  main configuration (default %s)\n"
            "  -1, --once         poll every source once, drain every sink, exit\n"
            "                     (exit status 1 if any record was not delivered)\n"
            "  -n, --dry-run      poll every source once and print each record a sink\n"
            "                     would receive (SINK<TAB>JSON) on stdout, delivering\n"
            "                     nothing; state in a temporary copy (implies --once)\n"
            "  -f, --foreground   do not detach from the terminal\n"
            "  -s, --syslog       log to syslog (facility daemon) instead of stderr;\n"
            "                     under systemd, stderr already reaches the journal\n"
            "                     with each line's priority\n"
            "\n"
            "Without --foreground (or --once) it detaches: a new session, stdin,\n"
            "stdout and stderr on /dev/null; log with log_file in [earshot] or --syslog.\n"
            "\n"
            "Signals: SIGTERM/SIGINT drain and stop; SIGHUP reloads the configuration\n"
            "and reopens log_file; SIGUSR1 reopens log_file (logrotate).\n",
            es__config_default_path());
}

int es__cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"once", no_argument, NULL, '1'},
        {"foreground", no_argument, NULL, 'f'},
        {"dry-run", no_argument, NULL, 'n'},
        {"syslog", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    es_run_opts_t o = {0};
    int c, use_syslog = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:1fnsh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': o.config_path = optarg; break;
        case '1': o.once = 1; break;
        case 'f': o.foreground = 1; break;
        case 'n': o.dry_run = o.once = o.foreground = 1; break;
        case 's': use_syslog = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "earshot run: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (use_syslog)
        es__log_use_syslog("earshot");
    else
        es__log_detect_journal();
    return es__agent_run(&o);
}
