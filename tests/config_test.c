/* Config parsing and validation: every diagnostic the admin can meet,
 * each with its file:line. Needs EARSHOT_PLUGIN_PATH to find testsrc,
 * testsink and jsonl (set by the test harness). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "tap.h"

static char dir[256];

static void write_file(const char *name, const char *text, mode_t mode)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    chmod(p, mode);
}

/* Loads main.conf (+ conf.d/ drop-in text if given) and returns all
 * diagnostics joined by newlines (malloc'd). */
static char *load(const char *main_text, const char *dropin, es_config_t **keep)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s/conf.d && mkdir -p %s/conf.d", dir, dir);
    if (system(cmd) != 0)
        return strdup("system() failed");
    write_file("main.conf", main_text, 0644);
    if (dropin)
        write_file("conf.d/10-test.conf", dropin, 0644);
    char path[512];
    snprintf(path, sizeof path, "%s/main.conf", dir);
    es_diag_t d = {0};
    es_config_t *cfg = NULL;
    int rc = es__config_load(path, &cfg, &d);
    if (rc == 0)
        es__config_validate(cfg, &d);
    size_t n = 1;
    for (size_t i = 0; i < d.count; i++)
        n += strlen(d.msgs[i]) + 1;
    char *out = calloc(1, n);
    for (size_t i = 0; i < d.count; i++) {
        strcat(out, d.msgs[i]);
        strcat(out, "\n");
    }
    es__diag_free(&d);
    if (keep)
        *keep = cfg;
    else
        es__config_free(cfg);
    return out;
}

#define MAIN "[earshot]\nstate_dir = /tmp/x\n"

static void expect(const char *name, const char *dropin, const char *needle)
{
    char *msgs = load(MAIN, dropin, NULL);
    like(msgs, needle, "%s", name);
    free(msgs);
}

int main(void)
{
    if (!getenv("EARSHOT_PLUGIN_PATH"))
        skip_all("EARSHOT_PLUGIN_PATH not set (run through make check)");
    snprintf(dir, sizeof dir, "/tmp/es-config-test.%d", (int)getpid());
    mkdir(dir, 0700);

    es_config_t *cfg = NULL;
    char *msgs = load("# main\n[earshot]\nstate_dir = /tmp/state\nlog_level = debug\n"
                      "[brand acme]\nkeywords = acme, acme corp\n",
                      "[source a]\nplugin = testsrc\ncount = 3\nratio = 0.25\nflag = yes\n"
                      "every = 5m\nlimit = 64k\ntags = x, y\nheader.X-Token = abc\n\n"
                      "[sink out]\nplugin = testsink\nmatch.kind = mention\nmatch.label = negative\n"
                      "match.compound_max = -0.5\nbatch.max = 7\n",
                      &cfg);
    is_str(msgs, "", "a valid config has no diagnostics");
    free(msgs);
    ok(cfg && cfg->n_instances == 2 && cfg->n_brands == 1, "two instances and one brand");
    if (cfg && cfg->n_instances == 2) {
        ok(cfg->log_level == ES_LOG_DEBUG, "log_level parsed");
        es_instance_cfg_t *sink = &cfg->instances[1];
        is_int(sink->batch_max, 7, "batch.max parsed");
        ok(sink->route.n_labels == 1 && sink->route.has_max && sink->route.compound_max == -0.5,
           "routing keys parsed");
        ok(cfg->brands[0].n_keywords == 2, "brand keywords split");
        like(cfg->conf_dir, "/conf.d", "conf_dir defaults to conf.d beside the main file");
    }
    es__config_free(cfg);

    expect("unknown key", "[source a]\nplugin = testsrc\ncuont = 3\n",
           "conf.d/10-test.conf:3: unknown key 'cuont' for plugin 'testsrc'");
    expect("bad int", "[source a]\nplugin = testsrc\ncount = ten\n",
           "10-test.conf:3: count: expected an integer, got 'ten'");
    expect("bad bool", "[source a]\nplugin = testsrc\nflag = maybe\n",
           "10-test.conf:3: flag: expected a bool");
    expect("bad duration", "[source a]\nplugin = testsrc\nevery = soon\n",
           "10-test.conf:3: every: expected a duration such as");
    expect("bad size", "[source a]\nplugin = testsrc\nlimit = 3 parsecs\n",
           "10-test.conf:3: limit: expected a size such as");
    expect("bad number", "[source a]\nplugin = testsrc\nratio = 1/2\n",
           "10-test.conf:3: ratio: expected a number");
    expect("empty list item", "[source a]\nplugin = testsrc\ntags = a,,b\n",
           "10-test.conf:3: tags: expected a comma-separated list");
    expect("duplicate instance", "[source a]\nplugin = testsrc\n[sink a]\nplugin = testsink\n",
           "10-test.conf:3: duplicate instance name 'a' (first defined at");
    expect("duplicate key", "[source a]\nplugin = testsrc\ncount = 1\ncount = 2\n",
           "10-test.conf:4: duplicate key 'count' (first set at");
    expect("unknown plugin", "[source a]\nplugin = nosuchplugin\n",
           "10-test.conf:2: unknown plugin 'nosuchplugin' (");
    expect("plugin of the wrong kind", "[source a]\nplugin = testsink\n",
           "has no source descriptor");
    expect("wrong ABI", "[source a]\nplugin = badabi\n",
           "badabi.so: plugin 'badabi' was built for ABI 42, this earshot has ABI 2");
    expect("missing plugin key", "[source a]\ncount = 1\n",
           "10-test.conf:1: [source a]: missing required key 'plugin'");
    expect("missing required plugin key", "[source a]\nplugin = jsonl\n",
           "10-test.conf:1: [source a]: missing required key 'path' for plugin 'jsonl'");
    expect("unknown section", "[sauce a]\nplugin = testsrc\n", "10-test.conf:1: unknown section [sauce a]");
    expect("section without name", "[source]\nplugin = testsrc\n", "10-test.conf:1: [source] needs a name");
    expect("key outside any section", "count = 1\n", "10-test.conf:1: key 'count' outside any section");
    expect("not key = value", "[source a]\nplugin = testsrc\njust words\n",
           "10-test.conf:3: expected 'key = value'");
    expect("[earshot] in a drop-in", "[earshot]\nlog_level = info\n",
           "10-test.conf:1: [earshot] belongs in the main file");
    expect("unterminated section", "[source a\n", "10-test.conf:1: section header without ']'");
    expect("bad match.kind", "[sink s]\nplugin = testsink\nmatch.kind = mentions\n",
           "10-test.conf:3: match.kind: unknown kind 'mentions'");
    expect("bad match.label", "[sink s]\nplugin = testsink\nmatch.label = angry\n",
           "10-test.conf:3: match.label: unknown label 'angry'");
    expect("routing keys only on sinks", "[source a]\nplugin = testsrc\nmatch.kind = alert\n",
           "10-test.conf:3: unknown key 'match.kind' for plugin 'testsrc'");
    expect("bad batch.max", "[sink s]\nplugin = testsink\nbatch.max = 0\n",
           "10-test.conf:3: batch.max: must be between 1 and 100000");
    expect("brand without keywords", "[brand acme]\n", "10-test.conf:1: [brand acme]: missing 'query' (or 'keywords')");
    expect("unknown brand key", "[brand acme]\nkeywords = acme\nhandles = x\n",
           "10-test.conf:3: unknown key 'handles' in [brand acme]");
    /* Queries: errors at file:line:column, continuation lines included. */
    expect("bad query", "[brand acme]\nquery = acme AND\n", "10-test.conf:2:17: query: expected a term after AND");
    expect("bad query on a continuation line", "[brand acme]\nquery = acme OR\n  (globex\n",
           "10-test.conf:3:10: query: expected ')' to close the '('");
    expect("bad query after a comment line", "[brand acme]\nquery = acme\n# note\n  OR foo:bar\n",
           "10-test.conf:4:6: query: unknown field 'foo:'");
    expect("query and keywords together", "[brand acme]\nkeywords = acme\nquery = acme\n",
           "10-test.conf:2: [brand acme]: 'keywords' and 'query' together");
    expect("topic without query", "[topic pricing]\nowner = sales\n",
           "10-test.conf:1: [topic pricing]: missing required key 'query'");
    expect("topic of an unknown brand", "[topic pricing]\nquery = price*\nbrand = nosuch\n",
           "10-test.conf:3: [topic pricing]: brand 'nosuch' is not a [brand] section");
    expect("unknown topic key", "[topic pricing]\nquery = price*\nteam = sales\n",
           "10-test.conf:3: unknown key 'team' in [topic pricing]");
    expect("duplicate topic", "[topic a]\nquery = x\n[topic a]\nquery = y\n", "10-test.conf:3: duplicate topic 'a'");
    expect("bad match.author_kind", "[sink s]\nplugin = testsink\nmatch.author_kind = owner\n",
           "10-test.conf:3: match.author_kind: unknown kind 'owner'");
    msgs = load(MAIN, "[brand sky]\nquery = raw:Sky -weather\n  OR \"sky broadband\"\n[topic pricing]\nquery = price*\nbrand = sky\nowner = sales\n", &cfg);
    is_str(msgs, "", "a multi-line query and a scoped topic are accepted");
    ok(cfg && cfg->n_topics == 1 && cfg->topics[0].owner && !strcmp(cfg->topics[0].owner, "sales") &&
           cfg->brands[0].query && strstr(cfg->brands[0].query->value, "\nOR \"sky broadband\""),
       "the topic's keys and the joined query are kept");
    free(msgs);
    es__config_free(cfg);
    cfg = NULL;

    unsetenv("ES_TEST_UNSET");
    expect("unset environment variable", "[source a]\nplugin = testsrc\ntoken = ${ES_TEST_UNSET}\n",
           "10-test.conf:3: environment variable ES_TEST_UNSET is not set");
    expect("unterminated ${", "[source a]\nplugin = testsrc\ntoken = ${OOPS\n", "10-test.conf:3: unterminated ${");

    /* ${VAR}, $$ and ${file:...} expand. */
    setenv("ES_TEST_TOKEN", "s3cret", 1);
    char secret[512];
    snprintf(secret, sizeof secret, "%s/secret", dir);
    write_file("secret", "from-file\n", 0600);
    char text[1024];
    snprintf(text, sizeof text,
             "[source a]\nplugin = testsrc\ntoken = ${ES_TEST_TOKEN}\nprefix = $$x-${file:%s}\n", secret);
    msgs = load(MAIN, text, &cfg);
    is_str(msgs, "", "expansions are accepted");
    free(msgs);
    if (cfg && cfg->n_instances == 1) {
        is_str(es__instance_cfg_get(&cfg->instances[0], "token")->value, "s3cret", "${VAR} expanded");
        is_str(es__instance_cfg_get(&cfg->instances[0], "prefix")->value, "$x-from-file",
               "$$ is a literal $ and ${file:...} reads the first line");
    }
    es__config_free(cfg);
    write_file("secret", "from-file\n", 0644);
    expect("world-readable secret file refused", text, "must not be readable by group or others");

    /* ${credential:NAME}: systemd's LoadCredential= directory. */
    unsetenv("CREDENTIALS_DIRECTORY");
    const char *cred_conf = "[source a]\nplugin = testsrc\ntoken = ${credential:hook_token}\n";
    expect("a credential outside systemd names the missing LoadCredential=", cred_conf,
           "10-test.conf:3: credential hook_token: CREDENTIALS_DIRECTORY is not set (give the unit "
           "LoadCredential=hook_token:/path/to/file)");
    char creds[512];
    snprintf(creds, sizeof creds, "%s/creds", dir);
    mkdir(creds, 0700);
    setenv("CREDENTIALS_DIRECTORY", creds, 1);
    expect("a credential systemd did not load is named with its path", cred_conf,
           "10-test.conf:3: cannot read credential hook_token (");
    write_file("creds/hook_token", "tok-from-systemd\r\nsecond line\n", 0440);
    msgs = load(MAIN, cred_conf, &cfg);
    is_str(msgs, "", "a loaded credential is accepted (systemd's 0440 mode too)");
    free(msgs);
    if (cfg && cfg->n_instances == 1)
        is_str(es__instance_cfg_get(&cfg->instances[0], "token")->value, "tok-from-systemd",
               "${credential:NAME} reads the first line");
    es__config_free(cfg);
    expect("a credential name with a slash is refused",
           "[source a]\nplugin = testsrc\ntoken = ${credential:../secret}\n",
           "credential name '../secret' is not a plain file name");
    unsetenv("CREDENTIALS_DIRECTORY");

    /* Lines longer than libinih's 200-byte buffer still parse. */
    char longv[3000] = "[source a]\nplugin = testsrc\ntags = ";
    for (int i = 0; i < 300; i++)
        strcat(longv, "tag,");
    strcat(longv, "last\n");
    msgs = load(MAIN, longv, &cfg);
    is_str(msgs, "", "a 1.2 kB line parses");
    free(msgs);
    if (cfg && cfg->n_instances == 1)
        ok(strlen(es__instance_cfg_get(&cfg->instances[0], "tags")->value) > 1000, "its value is whole");
    es__config_free(cfg);
    char *huge = malloc(6000);
    int off = snprintf(huge, 6000, "[source a]\nplugin = testsrc\ntags = ");
    memset(huge + off, 'x', 5000);
    strcpy(huge + off + 5000, "\n");
    expect("a line over 4 kB is an error", huge, "10-test.conf:3: line too long");
    free(huge);

    /* Continuation lines join a value. */
    msgs = load(MAIN, "[source a]\nplugin = testsrc\ntags = a,\n  b,\n  c\n", &cfg);
    is_str(msgs, "", "continuation lines accepted");
    free(msgs);
    if (cfg && cfg->n_instances == 1)
        is_str(es__instance_cfg_get(&cfg->instances[0], "tags")->value, "a,\nb,\nc", "continuation joined");
    es__config_free(cfg);

    /* Main-file errors. */
    msgs = load("[earshot]\nstate_dir = /tmp/x\nlog_level = loud\nbogus = 1\nqueue.max_records = 0\n", NULL, NULL);
    like(msgs, "main.conf:3: log_level: expected error, warn, info or debug, got 'loud'", "bad log_level");
    like(msgs, "main.conf:4: unknown key 'bogus' in [earshot]", "unknown main key");
    like(msgs, "main.conf:5: queue.max_records: must be at least 1", "queue.max_records bound");
    free(msgs);

    /* Drop-ins load in lexical order, and only *.conf. */
    free(load(MAIN, NULL, NULL));
    write_file("conf.d/20-b.conf", "[source b]\nplugin = testsrc\n", 0644);
    write_file("conf.d/10-a.conf", "[source a]\nplugin = testsrc\n", 0644);
    write_file("conf.d/30-c.conf~", "[source c]\nplugin = testsrc\n", 0644);
    char path[512];
    snprintf(path, sizeof path, "%s/main.conf", dir);
    es_diag_t d = {0};
    es__config_load(path, &cfg, &d);
    ok(cfg->n_instances == 2 && !strcmp(cfg->instances[0].name, "a") && !strcmp(cfg->instances[1].name, "b"),
       "drop-ins read in lexical order, backups ignored");
    es__diag_free(&d);

    /* Equality for reload. */
    es_config_t *cfg2 = NULL;
    es__config_load(path, &cfg2, &d);
    ok(es__instance_cfg_equal(&cfg->instances[0], &cfg2->instances[0]), "same section compares equal");
    write_file("conf.d/10-a.conf", "[source a]\nplugin = testsrc\ncount = 2\n", 0644);
    es_config_t *cfg3 = NULL;
    es__config_load(path, &cfg3, &d);
    ok(!es__instance_cfg_equal(&cfg->instances[0], &cfg3->instances[0]), "changed section compares different");
    es__diag_free(&d);
    es__config_free(cfg);
    es__config_free(cfg2);
    es__config_free(cfg3);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        diag("cleanup failed");
    return done_testing();
}
