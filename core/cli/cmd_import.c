/* earshot import: a one-off import of export files through the configured
 * stages and sinks. It is `run --once` with one more drop-in (a twitter
 * source on the files, written to a mode-600 temporary file) and no other
 * source, plus a progress line on a terminal and a summary line. The
 * source is always named "import", so its checkpoints make a second import
 * of the same finished file a no-op. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "cmd.h"
#include "config.h"
#include "state_lock.h"

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
            "a summary line ends the run. Exit status as `earshot run --once`.\n"
            "\n"
            "While an agent runs on the same state directory, the files are handed\n"
            "to it instead: each is linked into the drop directory (`dir`) of its\n"
            "twitter source, which imports it as it does any new file there; the\n"
            "agent's log reports each file when it is done. Keep the files in place\n"
            "until then. -o and --history need the agent stopped.\n",
            es__config_default_path());
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

/* The twitter source of the running agent that reads a drop directory. */
static const es_instance_cfg_t *drop_source(const es_config_t *cfg, const char **dir)
{
    for (size_t i = 0; i < cfg->n_instances; i++) {
        const es_instance_cfg_t *ic = &cfg->instances[i];
        const es_kv_t *kv = ic->kind == ES_KIND_SOURCE && !strcmp(ic->plugin, "twitter")
                                ? es__instance_cfg_get(ic, "dir") : NULL;
        if (kv && kv->value && *kv->value) {
            *dir = kv->value;
            return ic;
        }
    }
    return NULL;
}

/* Links FILE (a real path) into dir under its own name, or NAME-2, -3...
 * when another file has that name; a link to the same file already there
 * is the same hand-over. Dot names are what the source skips, so the link
 * is made under one and renamed: it never sees a half-made name. */
static int link_into(const char *dir, const char *real, char *made, size_t cap)
{
    const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
    for (int n = 1; n < 1000; n++) {
        int len = n == 1 ? snprintf(made, cap, "%s/%s", dir, base) : snprintf(made, cap, "%s/%d-%s", dir, n, base);
        if (len < 0 || (size_t)len >= cap) {
            errno = ENAMETOOLONG;
            return -1;
        }
        char there[PATH_MAX];
        if (realpath(made, there)) {
            if (!strcmp(there, real))
                return 1; /* handed over before */
            continue;
        }
        char tmp[PATH_MAX + 32];
        snprintf(tmp, sizeof tmp, "%s/.earshot-import.%ld", dir, (long)getpid());
        unlink(tmp);
        if (symlink(real, tmp) < 0)
            return -1;
        /* link(2) of a symlink does not follow it: the name appears only if
         * it is free, so two imports never take the same one. */
        if (link(tmp, made) == 0) {
            unlink(tmp);
            return 0;
        }
        int e = errno;
        unlink(tmp);
        if (e != EEXIST) {
            errno = e;
            return -1;
        }
    }
    errno = EEXIST;
    return -1;
}

/* When an agent holds the state directory, hands the files to it and
 * returns the exit code; returns -1 when none runs (import as usual). */
static int hand_to_agent(const char *cfgpath, char **files, int n, size_t n_kv, int history)
{
    es_config_t *cfg = NULL;
    es_diag_t diag = {0};
    const char *path = cfgpath ? cfgpath : es__config_default_path();
    if (es__config_load_offline(path, &cfg, &diag) < 0 || !cfg) {
        es__diag_free(&diag);
        es__config_unref(cfg);
        return -1; /* the import proper reports the configuration's problems */
    }
    es__diag_free(&diag);
    long pid = es__state_lock_owner(cfg->state_dir);
    if (pid == 0) {
        es__config_unref(cfg);
        return -1;
    }
    int rc = 0;
    const char *dir = NULL;
    const es_instance_cfg_t *src = drop_source(cfg, &dir);
    if (!src) {
        fprintf(stderr,
                "earshot import: an agent (pid %ld) runs on %s; to hand it files, give it a twitter source "
                "with a drop directory (`dir = ...`, docs/plugins/twitter.md), or stop it and import again\n",
                pid, cfg->state_dir);
        rc = 1;
    } else if (n_kv || history) {
        fprintf(stderr, "earshot import: an agent (pid %ld) runs on %s: %s applies only to an import of its own; "
                        "stop the agent, or leave it out to hand the files to source %s\n",
                pid, cfg->state_dir, history ? "--history" : "-o", src->name);
        rc = 2;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        char real[PATH_MAX], made[PATH_MAX];
        struct stat st;
        if (!realpath(files[i], real) || stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
            fprintf(stderr, "earshot import: %s: not a readable file\n", files[i]);
            rc = 2;
            break;
        }
        int r = link_into(dir, real, made, sizeof made);
        if (r < 0) {
            fprintf(stderr, "earshot import: %s: cannot link it into %s (source %s): %s\n", files[i], dir,
                    src->name, strerror(errno));
            rc = 1;
        } else {
            printf("import: %s %s the running agent (pid %ld) as %s: source %s imports it; its log says when "
                   "it is done\n",
                   files[i], r ? "was already handed to" : "handed to", pid, made, src->name);
        }
    }
    es__config_unref(cfg);
    return rc;
}

int es__cmd_import(int argc, char **argv)
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
    int handed = hand_to_agent(cfgpath, argv + optind, argc - optind, n_kv, history);
    if (handed >= 0)
        return handed;
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
        rc = es__agent_run(&o);
    unlink(tmpl);
    return rc;
}
