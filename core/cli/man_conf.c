/* earshot.conf(5), generated from the very tables `earshot check` uses:
 * the main keys, the core instance and sink keys, and every installed
 * plugin's descriptor. So the manual page and `plugins --describe` cannot
 * disagree; `make` writes doc/earshot.conf.5 with this. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "config_keys.h"
#include "config_value.h"
#include "loader.h"

/* Text for roff: backslashes escaped, a leading dot or quote neutralised,
 * hyphens as \- so they are not hyphenation points. */
static void roff(const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", stdout);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", stdout);
        else if (*s == '-')
            fputs("\\-", stdout);
        else
            putchar(*s);
    }
}

static void keys(const es_config_key_t *k)
{
    for (; k && k->name; k++) {
        fputs(".TP\n.B ", stdout);
        roff(k->name);
        printf(" \" (%s", es__key_type_name(k->type));
        if (k->required) {
            fputs(", required", stdout);
        } else if (k->def) {
            fputs(", default ", stdout);
            roff(k->def);
        }
        char bounds[256];
        es__key_bounds(k, bounds, sizeof bounds);
        if (*bounds) {
            fputs(k->choices ? ", one of " : ", range ", stdout);
            roff(bounds);
        }
        fputs(")\"\n", stdout);
        roff(k->help ? k->help : "");
        putchar('\n');
    }
}

typedef struct {
    char **names;
    size_t n;
} names_t;

static void collect(const char *name, const char *path, const es_plugin_t *d, const char *err, void *arg)
{
    names_t *nm = arg;
    (void)path, (void)err;
    if (!d)
        return;
    for (size_t i = 0; i < nm->n; i++)
        if (!strcmp(nm->names[i], name))
            return;
    char **nn = realloc(nm->names, (nm->n + 1) * sizeof *nn);
    if (!nn)
        return;
    nm->names = nn;
    if ((nn[nm->n] = strdup(name)))
        nm->n++;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int es__man_conf(const char *search)
{
    printf(".TH EARSHOT.CONF 5 \"\" \"earshot %s\" \"File formats\"\n", PACKAGE_VERSION);
    fputs(".SH NAME\nearshot.conf \\- configuration of the earshot social\\-listening agent\n"
          ".SH SYNOPSIS\n.I /etc/earshot/earshot.conf\n.br\n.I /etc/earshot/conf.d/*.conf\n"
          ".SH DESCRIPTION\n"
          "INI files read with libinih. The main file holds the\n.B [earshot]\n"
          "section and the\n.B [brand NAME]\nsections; every\n.I *.conf\n"
          "file of\n.B conf_dir\n(lexical order, editor backups ignored) holds\n.B [source NAME]\n"
          "and\n.B [sink NAME]\nsections, one plugin instance each. Names are unique across all files.\n"
          ".PP\nValues may use\n.B ${VAR}\n(the environment; unset is an error),\n.B ${file:PATH}\n"
          "(the first line of a file that must be mode 600 or stricter; for secrets),\n.B ${credential:NAME}\n"
          "(the first line of the systemd credential NAME, from LoadCredential= in the unit) and\n.B $$\n"
          "for a dollar sign. Every problem is reported as\n.IR file : line : \" message\"\n"
          "by\n.BR \"earshot check\" ,\nand a reload with any problem is refused.\n"
          ".PP\nTypes: string, int, double, bool (true/false/yes/no/on/off/1/0), duration "
          "(500ms, 30s, 5m, 2h, 7d), size (512, 64k, 10M, 1G) and list (comma-separated).\n"
          ".SH MAIN SECTION\nKeys of\n.BR [earshot] :\n", stdout);
    keys(es__main_keys);
    fputs(".SH BRANDS AND TOPICS\n"
          "A\n.B [brand NAME]\nsection takes\n.B query\nor\n.BR keywords ;\na\n.B [topic NAME]\nsection "
          "takes\n.B query\n(required),\n.B brand\n(the topic only matches mentions of that brand) and\n.B owner\n"
          "(the team that can act on it; matched by match.owner). A mention gets every brand and every "
          "topic whose query matches. A value continues on indented lines.\n"
          ".TP\n.B keywords \" (list)\"\n"
          "Sugar for a query: an OR of the items, each a phrase.\n"
          ".TP\n.B query \" (string)\"\n"
          "Words are compared after Unicode case and accent folding; CJK characters and emoji are words "
          "of one character. Terms: word, \\(dqexact phrase\\(dq, \\(dqphrase\\(dq~N (N other words "
          "among them), prefix* and s?y (wildcards within a word, after a letter), raw:Word and "
          "!\\(dqPhrase\\(dq (case\\- and accent\\-sensitive), #hashtag, @handle (also the account "
          "addressed or replied to), title:TERM, author:HANDLE, lang:xx, network:NAME, site:HOST, "
          "url:HOST/PATH (a prefix), links:HOST (a link in the text). Operators, loosest first: OR; "
          "AND (or nothing between terms); NOT, AND NOT, \\-term; a NEAR/N b (at most N words between, "
          "either order) and NEAR/Nf (in order), whose operands are words, phrases or OR groups of them. "
          "Parentheses group. Operators are upper case. A query needs something to look for outside "
          "NOT. Limits: 1 MiB of query, NEAR distance and slop 100000, nesting 200. Errors are reported "
          "as file:line:column. See docs/queries.md.\n"
          ".SH INSTANCES\nEvery\n.B [source NAME]\nand\n.B [sink NAME]\naccepts:\n", stdout);
    keys(es__core_instance_keys);
    fputs(".PP\nEvery sink also accepts the routing and delivery keys below; a record goes to every "
          "sink whose match.* keys all accept it.\n", stdout);
    keys(es__core_sink_keys);
    fputs(".SH PLUGINS\nThe keys of each plugin found on the plugin path when this page was made.\n", stdout);
    names_t nm = {0};
    es__loader_list(search, collect, &nm);
    if (nm.n)
        qsort(nm.names, nm.n, sizeof *nm.names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < nm.n; i++) {
        for (int kind = ES_KIND_SOURCE; kind <= ES_KIND_SINK; kind++) {
            es_plugin_handle_t *h;
            char err[1024];
            if (es__loader_open(search, nm.names[i], (es_plugin_kind_t)kind, &h, err, sizeof err) < 0)
                continue;
            printf(".SS \"%s %s\"\n", nm.names[i], kind == ES_KIND_SOURCE ? "source" : "sink");
            roff(h->desc->description ? h->desc->description : "");
            printf("\n.PP\n.B plugin = %s\n", nm.names[i]);
            keys(h->desc->keys);
            es__loader_close(h);
        }
        free(nm.names[i]);
    }
    free(nm.names);
    if (!nm.n) {
        fputs("earshot plugins --man: no plugin found on the plugin path\n", stderr);
        rc = 1;
    }
    fputs(".SH INVENTORY\nThe file named by\n.B inventory\nis CSV with a header row: "
          "network,handle,brand,owner,status and optionally url,notes; status is active, dormant "
          "or sunset. Handles compare case\\-insensitively, without a leading @. Bad rows are "
          "reported with file:line; duplicates are errors. It is reloaded on SIGHUP and when "
          "the file changes.\n"
          ".SH FILES\n.TP\n.I state_dir/state.db\nSQLite (WAL): checkpoints, dedupe ids, spools, "
          "dead letters, HTTP validators, account activity, spike baselines.\n"
          ".SH SEE ALSO\n.BR earshot (1)\n", stdout);
    return rc;
}
