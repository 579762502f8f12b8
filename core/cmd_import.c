/* earshot import: a one-off import of export files through the configured
 * stages and sinks. It is `run --once` with one more drop-in (a twitter
 * source on the files, written to a mode-600 temporary file) and no other
 * source, plus a progress line on a terminal and a summary line. The
 * source is always named "import", so its checkpoints make a second import
 * of the same finished file a no-op. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "cmd.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: earshot import [-c FILE] [-o KEY=VALUE]... [--history] FILE...\n"
            "\n"
            "Imports Twitter/X export files (archive tweets.js or .zip, API v1.1 or\n"
            "v2 JSON lines; the format is read from the content) through the\n"
            "configured stages into the configured sinks, then exits. The other\n"
            "sources of the configuration do not run. A file already imported is\n"
            "not imported again; one cut short resumes where it stopped.\n"
            "\n"
            "  -c, --config FILE     main configuration (default %s)\n"
            "  -o, --option KEY=VAL  a key of the twitter source (e.g. account=acme,\n"
            "                        retweets=false); repeatable\n"
            "      --history         look for the archive's own spikes: a spike detector\n"
            "                        of its own runs on the archive's timeline and its\n"
            "                        alerts go to the sinks marked \"history\": true\n"
            "\n"
            "Spikes: by default the mentions go through the agent's spike detector,\n"
            "whose clock is the newest mention it has seen. Mentions older than that\n"
            "(history imported after live data) are late: stored and delivered, but\n"
            "not evaluated for spikes; the summary line counts them. --history\n"
            "evaluates them on their own timeline instead, leaving the live\n"
            "detector's baselines untouched.\n"
            "\n"
            "On a terminal a progress line shows MiB read, mentions and mentions/s;\n"
            "a summary line ends the run. Exit status as `earshot run --once`.\n",
            es_config_default_path());
}

/* Values are written into an INI file the config parser expands: a '$'
 * must stay a '$', and nothing may start a new line or a list item. */
static int put_value(FILE *f, const char *v, int list_item)
{
    for (const char *p = v; *p; p++) {
        if (*p == '\n' || *p == '\r' || (list_item && *p == ','))
            return -1;
        if (*p == '$')
            fputc('$', f);
        fputc(*p, f);
    }
    return 0;
}

int es_cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"option", required_argument, NULL, 'o'},
        {"history", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cfgpath = NULL;
    const char *opts_kv[64];
    size_t n_kv = 0;
    int c, history = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': cfgpath = optarg; break;
        case 'o':
            if (n_kv == sizeof opts_kv / sizeof *opts_kv || !strchr(optarg, '=') || *optarg == '=') {
                fprintf(stderr, "earshot import: -o wants KEY=VALUE (at most 64)\n");
                return 2;
            }
            opts_kv[n_kv++] = optarg;
            break;
        case 'H': history = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "earshot import: no file to import\n");
        usage(stderr);
        return 2;
    }
    char tmpl[PATH_MAX];
    const char *tmpdir = getenv("TMPDIR");
    snprintf(tmpl, sizeof tmpl, "%s/earshot-import.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(tmpl); /* mode 600 */
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        perror("earshot import: temporary drop-in");
        if (fd >= 0)
            close(fd);
        return 1;
    }
    es_run_opts_t o = {.config_path = cfgpath, .once = 1, .foreground = 1, .extra_dropin = tmpl,
                       .only_source = "import", .progress = isatty(STDERR_FILENO), .history = history};
    int rc = 0;
    fputs("[source import]\nplugin = twitter\nfiles = ", f);
    for (int i = optind; i < argc && rc == 0; i++) {
        char real[PATH_MAX];
        struct stat st;
        if (!realpath(argv[i], real) || stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
            fprintf(stderr, "earshot import: %s: not a readable file\n", argv[i]);
            rc = 2;
            break;
        }
        o.progress_total += (uint64_t)st.st_size;
        if (i > optind)
            fputs(", ", f);
        if (put_value(f, real, 1) < 0) {
            fprintf(stderr, "earshot import: %s: a file name with a comma or a line break cannot be imported\n",
                    argv[i]);
            rc = 2;
        }
    }
    fputc('\n', f);
    for (size_t i = 0; i < n_kv && rc == 0; i++) {
        const char *eq = strchr(opts_kv[i], '=');
        fprintf(f, "%.*s = ", (int)(eq - opts_kv[i]), opts_kv[i]);
        if (put_value(f, eq + 1, 0) < 0 || memchr(opts_kv[i], '\n', (size_t)(eq - opts_kv[i]))) {
            fprintf(stderr, "earshot import: -o %s: no line breaks\n", opts_kv[i]);
            rc = 2;
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0 && rc == 0) {
        perror("earshot import: temporary drop-in");
        rc = 1;
    }
    if (rc == 0)
        rc = es_agent_run(&o);
    unlink(tmpl);
    return rc;
}
