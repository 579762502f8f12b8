/*
 * Config parsing. libinih splits "key = value" and strips comments; it does
 * not report line numbers to its handler (Debian builds it without
 * INI_HANDLER_LINENO), so we feed it through our own line reader, which also
 * sees section headers and continuation lines first. That gives every
 * diagnostic an exact file:line.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_keys.h"
#include "config_secret.h"
#include "config_value.h"
#include <earshot/file.h>
#include "listen_addr.h"
#include "loader.h"
#include "suggest.h"
#include "log.h"
#include "util.h"

#ifndef ES_SYSCONF_DIR
#define ES_SYSCONF_DIR "/etc/earshot"
#endif
#ifndef ES_LEXICON_DIR
#define ES_LEXICON_DIR "/usr/local/share/earshot/lexicons"
#endif

/* The longest line we accept. libinih's own buffer is fixed at build time
 * (INI_MAX_LINE); lines are checked here so an overlong value is an error
 * with its line number, never a silent truncation. */
#define ES_MAX_LINE 4096

const es_config_key_t es__main_keys[] = {
    {"state_dir", ES_KEY_STRING, "/var/lib/earshot", 0, "directory for the state database (created if missing)", NULL, NULL, NULL},
    {"plugin_dir", ES_KEY_STRING, NULL, 0, "colon-separated directories searched for plugins before the install directory", NULL, NULL, NULL},
    {"conf_dir", ES_KEY_STRING, "conf.d", 0, "drop-in directory; relative to the main file's directory", NULL, NULL, NULL},
    {"log_file", ES_KEY_STRING, NULL, 0, "append log lines to this file (relative to the main file's directory); reopened on SIGHUP and SIGUSR1, for logrotate", NULL, NULL, NULL},
    {"log_level", ES_KEY_STRING, "info", 0, "error, warn, info or debug", NULL, NULL, "error|warn|info|debug"},
    {"lexicon_dir", ES_KEY_STRING, ES_LEXICON_DIR, 0, "directory of the sentiment lexicons and models", NULL, NULL, NULL},
    {"inventory", ES_KEY_STRING, NULL, 0, "CSV file of the brand's official accounts (reloaded when it changes)", NULL, NULL, NULL},
    {"reconcile_interval", ES_KEY_DURATION, "0", 0, "send account reconciliation findings to sinks this often (0: never)", NULL, NULL, NULL},
    {"reconcile_window", ES_KEY_DURATION, "90d", 0, "window of those findings (as accounts reconcile --since)", NULL, NULL, NULL},
    {"sentiment.enabled", ES_KEY_BOOL, "true", 0, "score mentions (false: records carry \"sentiment\": null, match.label matches nothing, no spike alerts)", NULL, NULL, NULL},
    {"sentiment.extra_lexicon", ES_KEY_STRING, NULL, 0, "file of word<TAB>valence overrides", NULL, NULL, NULL},
    {"sentiment.pos_threshold", ES_KEY_DOUBLE, "0.05", 0, "rules label: compound at or above this is positive (en/fr labels come from the models)", NULL, NULL, NULL},
    {"sentiment.neg_threshold", ES_KEY_DOUBLE, "0.05", 0, "rules label: compound at or below minus this is negative", NULL, NULL, NULL},
    {"dedupe.max_age", ES_KEY_DURATION, "30d", 0, "how long delivered mention ids are remembered", NULL, NULL, NULL},
    {"queue.max_records", ES_KEY_INT, "10000", 0, "records in flight above which sources pause", "1", NULL, NULL},
    {"spool.delay", ES_KEY_DURATION, "1s", 0, "a source's record that every sink took within this long is never written to the spool (0: spool every record at once)", NULL, NULL, NULL},
    {"http.per_host", ES_KEY_INT, "4", 0, "concurrent HTTP transfers per host", "1", NULL, NULL},
    {"metrics_listen", ES_KEY_STRING, NULL, 0, "ADDRESS:PORT serving Prometheus /metrics and JSON /health (off when unset)", NULL, NULL, NULL},
    {"health.dead_letters", ES_KEY_INT, "1", 0, "/health is degraded while a sink has this many dead letters (0: never)", "0", NULL, NULL},
    {"health.failing_for", ES_KEY_DURATION, "5m", 0, "/health is degraded once a source or sink has been failing this long (0: never)", NULL, NULL, NULL},
    {"health.spool_fill", ES_KEY_DOUBLE, "0.9", 0, "/health is degraded while a sink's spool is above this share of its limits (0: never)", "0", "1", NULL},
    {"health.reload", ES_KEY_BOOL, "true", 0, "/health is degraded while the last reload was refused", NULL, NULL, NULL},
    {"spike.enabled", ES_KEY_BOOL, "true", 0, "send alert records when negative mentions of a brand spike", NULL, NULL, NULL},
    {"spike.early", ES_KEY_BOOL, "true", 0, "alert while a bucket is still open (from its middle on) once its negatives are already improbable", NULL, NULL, NULL},
    {"spike.topic", ES_KEY_BOOL, "true", 0, "also alert when negatives are above normal and improbably many of them share one word", NULL, NULL, NULL},
    {"spike.bucket", ES_KEY_DURATION, "5m", 0, "mentions are counted in buckets of this length, by mention time (1m..1d)", NULL, NULL, NULL},
    {"spike.grace", ES_KEY_DURATION, "5m", 0, "a bucket stays open this long after its end for late mentions", NULL, NULL, NULL},
    {"spike.p", ES_KEY_DOUBLE, "0.001", 0, "alert when the negative count's tail probability under the baseline is below this", NULL, NULL, NULL},
    {"spike.min_count", ES_KEY_INT, "5", 0, "never alert on fewer negative mentions in a bucket", NULL, NULL, NULL},
    {"spike.share_jump", ES_KEY_DOUBLE, "0", 0, "also require the negative share to exceed the baseline share by this much (0: off)", NULL, NULL, NULL},
    {"spike.by", ES_KEY_LIST, "brand", 0, "series besides each brand's: owner, network and/or topic", NULL, NULL, NULL},
    {"count_owned", ES_KEY_BOOL, "false", 0, "count the brand's own posts (owned mentions) in its volume, sentiment shares and spike series", NULL, NULL, NULL},
    {"spike.warmup", ES_KEY_DURATION, "1d", 0, "a series with less history than this never alerts", NULL, NULL, NULL},
    {"spike.cooldown", ES_KEY_DURATION, "1h", 0, "an episode ends (ended record) after this long without an alerting bucket", NULL, NULL, NULL},
    {"spike.top_terms", ES_KEY_INT, "5", 0, "over-represented negative words listed in an alert (0..50)", NULL, NULL, NULL},
    {"spike.example_urls", ES_KEY_INT, "3", 0, "example mention URLs listed in an alert (0..20)", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

const es_config_key_t es__core_instance_keys[] = {
    {"plugin", ES_KEY_STRING, NULL, 1, "plugin name (file NAME.so in the plugin path)", NULL, NULL, NULL},
    {"tls_verify", ES_KEY_BOOL, "true", 0, "verify TLS peers; false is logged as a warning", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

const es_config_key_t es__core_sink_keys[] = {
    {"match.kind", ES_KEY_LIST, NULL, 0, "record kinds to accept: mention, alert, account, deletion", NULL, NULL, "mention|alert|account|deletion"},
    {"match.network", ES_KEY_LIST, NULL, 0, "networks to accept", NULL, NULL, NULL},
    {"match.brand", ES_KEY_LIST, NULL, 0, "brands to accept (any of a mention's brands)", NULL, NULL, NULL},
    {"match.owner", ES_KEY_LIST, NULL, 0, "owning teams to accept: the addressed account's owner (inventory) or a matched topic's", NULL, NULL, NULL},
    {"match.topic", ES_KEY_LIST, NULL, 0, "topics to accept (any of a mention's topics; an alert's topic series)", NULL, NULL, NULL},
    {"match.author_kind", ES_KEY_LIST, NULL, 0, "authors to accept: official (owned mentions), lookalike, public", NULL, NULL, NULL},
    {"match.label", ES_KEY_LIST, NULL, 0, "sentiment labels to accept: positive, neutral, negative", NULL, NULL, "positive|neutral|negative"},
    {"match.compound_min", ES_KEY_DOUBLE, NULL, 0, "accept mentions with compound >= this", "-1", "1", NULL},
    {"match.compound_max", ES_KEY_DOUBLE, NULL, 0, "accept mentions with compound <= this", "-1", "1", NULL},
    {"batch.max", ES_KEY_INT, "100", 0, "records per write call", "1", "100000", NULL},
    {"batch.linger", ES_KEY_DURATION, "200ms", 0, "wait this long for a batch to fill", NULL, NULL, NULL},
    {"retry.initial", ES_KEY_DURATION, "1s", 0, "first retry delay (full jitter)", NULL, NULL, NULL},
    {"retry.max", ES_KEY_DURATION, "30s", 0, "retry delay cap, Retry-After hints included: a receiver that comes back is tried within this long", NULL, NULL, NULL},
    {"retry.max_attempts", ES_KEY_INT, "0", 0, "transient failures (refused, timeout, 5xx, 429) before a record is dead-lettered; 0: retry until delivered, bounded by the spool limits", "0", NULL, NULL},
    {"spool.max_records", ES_KEY_INT, "1000000", 0, "spooled records above which sources pause", "1", NULL, NULL},
    {"spool.max_bytes", ES_KEY_SIZE, "1G", 0, "spooled bytes above which sources pause", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

/* ---- diagnostics ------------------------------------------------------- */

void es__diag_add(es_diag_t *d, const char *file, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *s = line > 0 ? es__asprintf("%s:%d: %s", file, line, msg)
                       : es__asprintf("%s: %s", file ? file : "earshot", msg);
    if (!s)
        return;
    if (d->count == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 8;
        char **nm = realloc(d->msgs, nc * sizeof *nm);
        if (!nm) {
            free(s);
            return;
        }
        d->msgs = nm;
        d->cap = nc;
    }
    d->msgs[d->count++] = s;
}

/* Sort key of "file:line: message": the file's position among those read,
 * then the line; anything else sorts after, in the order it came. */
static void diag_key(const es_config_t *cfg, const char *msg, size_t *file, long *line)
{
    *file = SIZE_MAX;
    *line = 0;
    for (size_t i = 0; cfg && i < cfg->n_files; i++) {
        size_t n = strlen(cfg->files[i]);
        if (strncmp(msg, cfg->files[i], n) == 0 && msg[n] == ':') {
            *file = i;
            *line = strtol(msg + n + 1, NULL, 10);
            return;
        }
    }
}

void es__diag_sort(es_diag_t *d, const es_config_t *cfg)
{
    /* Insertion sort: stable, and a config has few problems. */
    for (size_t i = 1; i < d->count; i++) {
        char *m = d->msgs[i];
        size_t fm;
        long lm;
        diag_key(cfg, m, &fm, &lm);
        size_t j = i;
        while (j > 0) {
            size_t fp;
            long lp;
            diag_key(cfg, d->msgs[j - 1], &fp, &lp);
            if (fp < fm || (fp == fm && lp <= lm))
                break;
            d->msgs[j] = d->msgs[j - 1];
            j--;
        }
        d->msgs[j] = m;
    }
}

void es__diag_free(es_diag_t *d)
{
    for (size_t i = 0; i < d->count; i++)
        free(d->msgs[i]);
    free(d->msgs);
    memset(d, 0, sizeof *d);
}

const es_config_key_t *es__key_find(const es_config_key_t *t, const char *key)
{
    for (; t && t->name; t++) {
        size_t n = strlen(t->name);
        if (n && t->name[n - 1] == '.') {
            if (strncmp(key, t->name, n) == 0 && key[n])
                return t;
        } else if (strcmp(key, t->name) == 0) {
            return t;
        }
    }
    return NULL;
}

const char *es__config_default_path(void) { return ES_SYSCONF_DIR "/earshot.conf"; }

/* " (did you mean 'x'?)" for an unknown key close to one of the tables',
 * else "". */
static const char *near_key(const char *key, const es_config_key_t *const *tables, size_t nt, char *buf,
                            size_t len)
{
    const char *names[256];
    size_t n = 0;
    for (size_t t = 0; t < nt; t++)
        for (const es_config_key_t *k = tables[t]; k && k->name && n < 256; k++)
            names[n++] = k->name;
    const char *near = es__suggest(key, names, n);
    if (!near)
        return "";
    snprintf(buf, len, " (did you mean '%s'?)", near);
    return buf;
}

/* ---- parsing ----------------------------------------------------------- */

enum sect { S_NONE, S_MAIN, S_INSTANCE, S_BRAND, S_TOPIC, S_SKIP };

typedef struct parse_ctx {
    es_config_t *cfg;
    es_diag_t *diag;
    es_kv_t *main_kvs;
    size_t n_main;
    const char *file;
    FILE *fp;
    int is_main;
    int line;
    int continuation; /* current line starts with whitespace */
    enum sect sect;
    size_t cur; /* index into instances or brands */
    char *linebuf;
    size_t linecap;
    es_kv_t *last_kv;  /* for continuation lines */
    int offline;       /* es__config_load_offline */
} parse_ctx_t;

static int name_ok(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

static void begin_section(parse_ctx_t *pc, char *hdr)
{
    pc->last_kv = NULL;
    char *close = strchr(hdr, ']');
    if (!close) {
        es__diag_add(pc->diag, pc->file, pc->line, "section header without ']'");
        pc->sect = S_SKIP;
        return;
    }
    *close = '\0';
    char *rest = es__trim(close + 1);
    if (*rest && *rest != '#' && *rest != ';') {
        es__diag_add(pc->diag, pc->file, pc->line, "unexpected text after section header");
    }
    char *inner = es__trim(hdr + 1);
    char *sp = strpbrk(inner, " \t");
    char *name = NULL;
    if (sp) {
        *sp = '\0';
        name = es__trim(sp + 1);
    }
    es_config_t *cfg = pc->cfg;
    if (strcmp(inner, "earshot") == 0 && !name) {
        if (!pc->is_main) {
            es__diag_add(pc->diag, pc->file, pc->line,
                        "[earshot] belongs in the main file, not in a drop-in");
            pc->sect = S_SKIP;
        } else {
            pc->sect = S_MAIN;
        }
        return;
    }
    int is_src = strcmp(inner, "source") == 0, is_sink = strcmp(inner, "sink") == 0;
    int is_brand = strcmp(inner, "brand") == 0, is_topic = strcmp(inner, "topic") == 0;
    if (!is_src && !is_sink && !is_brand && !is_topic) {
        es__diag_add(pc->diag, pc->file, pc->line,
                    "unknown section [%s%s%s] (expected [earshot], [source NAME], [sink NAME], [brand NAME] or [topic NAME])",
                    inner, name ? " " : "", name ? name : "");
        pc->sect = S_SKIP;
        return;
    }
    if (!name || !name_ok(name)) {
        es__diag_add(pc->diag, pc->file, pc->line,
                    "[%s] needs a name of letters, digits, '.', '_' or '-'", inner);
        pc->sect = S_SKIP;
        return;
    }
    if (is_brand) {
        for (size_t i = 0; i < cfg->n_brands; i++)
            if (strcmp(cfg->brands[i].name, name) == 0) {
                es__diag_add(pc->diag, pc->file, pc->line,
                            "duplicate brand '%s' (first defined at %s:%d)", name,
                            cfg->brands[i].file, cfg->brands[i].line);
                pc->sect = S_SKIP;
                return;
            }
        es_brand_cfg_t *nb = realloc(cfg->brands, (cfg->n_brands + 1) * sizeof *nb);
        if (!nb) {
            pc->sect = S_SKIP;
            return;
        }
        cfg->brands = nb;
        es_brand_cfg_t *b = &cfg->brands[cfg->n_brands];
        memset(b, 0, sizeof *b);
        b->name = es__strdup(name);
        b->file = pc->file;
        b->line = pc->line;
        pc->cur = cfg->n_brands++;
        pc->sect = S_BRAND;
        return;
    }
    if (is_topic) {
        for (size_t i = 0; i < cfg->n_topics; i++)
            if (strcmp(cfg->topics[i].name, name) == 0) {
                es__diag_add(pc->diag, pc->file, pc->line,
                            "duplicate topic '%s' (first defined at %s:%d)", name,
                            cfg->topics[i].file, cfg->topics[i].line);
                pc->sect = S_SKIP;
                return;
            }
        es_topic_cfg_t *nt = realloc(cfg->topics, (cfg->n_topics + 1) * sizeof *nt);
        if (!nt) {
            pc->sect = S_SKIP;
            return;
        }
        cfg->topics = nt;
        es_topic_cfg_t *t = &cfg->topics[cfg->n_topics];
        memset(t, 0, sizeof *t);
        t->name = es__strdup(name);
        t->file = pc->file;
        t->line = pc->line;
        pc->cur = cfg->n_topics++;
        pc->sect = S_TOPIC;
        return;
    }
    for (size_t i = 0; i < cfg->n_instances; i++)
        if (strcmp(cfg->instances[i].name, name) == 0) {
            es__diag_add(pc->diag, pc->file, pc->line,
                        "duplicate instance name '%s' (first defined at %s:%d)", name,
                        cfg->instances[i].file, cfg->instances[i].line);
            pc->sect = S_SKIP;
            return;
        }
    es_instance_cfg_t *ni = realloc(cfg->instances, (cfg->n_instances + 1) * sizeof *ni);
    if (!ni) {
        pc->sect = S_SKIP;
        return;
    }
    cfg->instances = ni;
    es_instance_cfg_t *ic = &cfg->instances[cfg->n_instances];
    memset(ic, 0, sizeof *ic);
    ic->kind = is_src ? ES_KIND_SOURCE : ES_KIND_SINK;
    ic->name = es__strdup(name);
    ic->file = pc->file;
    ic->line = pc->line;
    pc->cur = cfg->n_instances++;
    pc->sect = S_INSTANCE;
}

static int handler(void *user, const char *section, const char *name, const char *value);

/* Debian's libinih is built with a 200-byte line buffer; URL and keyword
 * lists outgrow it. Such lines are split here with libinih's own rules
 * (first '=' or ':', trimmed, " ;" starts an inline comment). */
static void long_line(parse_ctx_t *pc, char *t)
{
    char *eq = strpbrk(t, "=:");
    *eq = '\0';
    char *val = eq + 1;
    for (char *c = val; *c; c++)
        if (*c == ';' && c > val && (c[-1] == ' ' || c[-1] == '\t')) {
            *c = '\0';
            break;
        }
    handler(pc, "", es__trim(t), es__trim(val));
}

/* Our reader for ini_parse_stream: counts lines, handles section headers
 * and syntax errors itself, and hands libinih only lines it should see. */
static char *reader(char *str, int num, void *stream)
{
    parse_ctx_t *pc = stream;
    for (;;) {
        ssize_t n = getline(&pc->linebuf, &pc->linecap, pc->fp);
        if (n < 0)
            return NULL;
        pc->line++;
        char *l = pc->linebuf;
        if (pc->line == 1 && (unsigned char)l[0] == 0xEF && (unsigned char)l[1] == 0xBB &&
            (unsigned char)l[2] == 0xBF)
            memmove(l, l + 3, strlen(l + 3) + 1), n -= 3;
        if ((size_t)n >= ES_MAX_LINE) {
            es__diag_add(pc->diag, pc->file, pc->line, "line too long (max %d bytes)", ES_MAX_LINE);
            continue;
        }
        if (memchr(l, '\0', (size_t)n)) {
            es__diag_add(pc->diag, pc->file, pc->line, "NUL byte in line");
            continue;
        }
        pc->continuation = (l[0] == ' ' || l[0] == '\t');
        char *t = l;
        while (*t == ' ' || *t == '\t')
            t++;
        if (*t == '\0' || *t == '\n' || *t == '\r' || *t == '#' || *t == ';')
            continue;
        if (*t == '[') {
            char hdr[ES_MAX_LINE];
            snprintf(hdr, sizeof hdr, "%s", t);
            hdr[strcspn(hdr, "\r\n")] = '\0';
            begin_section(pc, hdr);
            continue; /* sections are tracked here, not by libinih */
        }
        if (!strchr(t, '=') && !strchr(t, ':') && !(pc->continuation && pc->last_kv)) {
            es__diag_add(pc->diag, pc->file, pc->line, "expected 'key = value'");
            continue;
        }
        if (pc->continuation && pc->last_kv && !strchr(t, '=')) {
            /* Continuation line: append to the previous value ourselves
             * (libinih would, but only up to its own limits). */
            char *v = es__trim(t);
            char *joined = es__asprintf("%s\n%s", pc->last_kv->value, v);
            if (joined) {
                free(pc->last_kv->value);
                pc->last_kv->value = joined;
            }
            continue;
        }
        if ((int)strlen(t) >= num - 1) {
            long_line(pc, t);
            continue;
        }
        memcpy(str, t, strlen(t) + 1);
        return str;
    }
}

/* Expands ${VAR} from the environment, ${file:/path} from a file that
 * only its owner can read and ${credential:NAME} from systemd's
 * credentials directory (config_secret.c); "$$" is a literal '$'. */
static char *expand(parse_ctx_t *pc, const char *v)
{
    size_t cap = strlen(v) + 64, n = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = v; *p;) {
        const char *add = p;
        size_t addlen = 1;
        char *owned = NULL;
        if (p[0] == '$' && p[1] == '$') {
            addlen = 1;
            p += 2;
        } else if (p[0] == '$' && p[1] == '{') {
            const char *e = strchr(p + 2, '}');
            if (!e) {
                es__diag_add(pc->diag, pc->file, pc->line, "unterminated ${ in value");
                free(out);
                return NULL;
            }
            char *var = es__strndup(p + 2, (size_t)(e - p - 2));
            if (!var) {
                free(out);
                return NULL;
            }
            if (strncmp(var, "file:", 5) == 0 || strncmp(var, "credential:", 11) == 0) {
                char serr[512];
                int src = var[0] == 'f' ? es__secret_read_file(var + 5, &owned, serr, sizeof serr)
                                        : es__secret_read_credential(var + 11, &owned, serr, sizeof serr);
                if (src < 0 && src != ES_ENOMEM)
                    es__diag_add(pc->diag, pc->file, pc->line, "%s", serr);
                if (src < 0) {
                    free(var);
                    free(out);
                    return NULL;
                }
            } else {
                const char *val = getenv(var);
                if (!val && pc->offline && pc->sect == S_INSTANCE)
                    val = ""; /* an instance this command will not start */
                if (!val) {
                    es__diag_add(pc->diag, pc->file, pc->line,
                                "environment variable %s is not set", var);
                    free(var);
                    free(out);
                    return NULL;
                }
                owned = es__strdup(val);
            }
            free(var);
            add = owned;
            addlen = owned ? strlen(owned) : 0;
            p = e + 1;
        } else {
            p++;
        }
        if (n + addlen + 1 > cap) {
            cap = (n + addlen + 1) * 2;
            char *no = realloc(out, cap);
            if (!no) {
                free(owned);
                free(out);
                return NULL;
            }
            out = no;
        }
        memcpy(out + n, add, addlen);
        n += addlen;
        free(owned);
    }
    out[n] = '\0';
    return out;
}

static es_kv_t *kv_add(parse_ctx_t *pc, es_kv_t **arr, size_t *n, const char *key, char *value)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i].key, key) == 0) {
            es__diag_add(pc->diag, pc->file, pc->line, "duplicate key '%s' (first set at %s:%d)",
                        key, (*arr)[i].file, (*arr)[i].line);
            free(value);
            return NULL;
        }
    es_kv_t *na = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na) {
        free(value);
        return NULL;
    }
    *arr = na;
    es_kv_t *kv = &na[(*n)++];
    kv->key = es__strdup(key);
    kv->value = value;
    kv->file = pc->file;
    kv->line = pc->line;
    return kv;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    (void)section;
    parse_ctx_t *pc = user;
    pc->last_kv = NULL;
    if (pc->sect == S_SKIP)
        return 1;
    if (pc->sect == S_NONE) {
        es__diag_add(pc->diag, pc->file, pc->line, "key '%s' outside any section", name);
        return 1;
    }
    char *v = expand(pc, value);
    if (!v)
        return 1;
    es_kv_t *kv = NULL;
    switch (pc->sect) {
    case S_MAIN:
        kv = kv_add(pc, &pc->main_kvs, &pc->n_main, name, v);
        break;
    case S_INSTANCE: {
        es_instance_cfg_t *ic = &pc->cfg->instances[pc->cur];
        kv = kv_add(pc, &ic->kvs, &ic->n_kvs, name, v);
        if (kv && strcmp(name, "plugin") == 0)
            ic->plugin = es__strdup(kv->value);
        break;
    }
    case S_BRAND: {
        es_brand_cfg_t *b = &pc->cfg->brands[pc->cur];
        kv = kv_add(pc, &b->kvs, &b->n_kvs, name, v);
        break;
    }
    case S_TOPIC: {
        es_topic_cfg_t *t = &pc->cfg->topics[pc->cur];
        kv = kv_add(pc, &t->kvs, &t->n_kvs, name, v);
        break;
    }
    default:
        free(v);
        return 1;
    }
    pc->last_kv = kv;
    return 1;
}

static const char *intern_file(es_config_t *cfg, const char *path)
{
    char **nf = realloc(cfg->files, (cfg->n_files + 1) * sizeof *nf);
    if (!nf)
        return NULL;
    cfg->files = nf;
    cfg->files[cfg->n_files] = es__strdup(path);
    return cfg->files[cfg->n_files] ? cfg->files[cfg->n_files++] : NULL;
}

static int parse_file(parse_ctx_t *pc, const char *path, int is_main)
{
    const char *file = intern_file(pc->cfg, path);
    if (!file)
        return ES_ENOMEM;
    /* A drop-in is whatever ends in .conf: a FIFO or a directory among
     * them is refused here rather than left to block the reader. */
    char err[256];
    int fd = es_file_open_regular(path, NULL, err, sizeof err);
    FILE *fp = NULL;
    if (fd >= 0 && !(fp = fdopen(fd, "r"))) {
        snprintf(err, sizeof err, "%s", strerror(errno));
        close(fd);
    }
    if (!fp) {
        es__diag_add(pc->diag, path, 0, "cannot open: %s", err);
        return ES_EIO;
    }
    pc->file = file;
    pc->fp = fp;
    pc->is_main = is_main;
    pc->line = 0;
    pc->sect = S_NONE;
    pc->last_kv = NULL;
    int rc = ini_parse_stream(reader, pc, handler, pc);
    if (rc > 0)
        es__diag_add(pc->diag, file, pc->line, "syntax error");
    fclose(fp);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void parse_dropins(parse_ctx_t *pc, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno != ENOENT)
            es__diag_add(pc->diag, dir, 0, "cannot read drop-in directory: %s", strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        /* Editors' backups (foo.conf~, .foo.conf.swp) must not be loaded. */
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".conf") != 0)
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn)
            break;
        names = nn;
        if ((names[n] = es__asprintf("%s/%s", dir, e->d_name)))
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++)
        parse_file(pc, names[i], 0);
    es__strv_free(names, n);
}

static const es_kv_t *main_get(parse_ctx_t *pc, const char *key)
{
    for (size_t i = 0; i < pc->n_main; i++)
        if (strcmp(pc->main_kvs[i].key, key) == 0)
            return &pc->main_kvs[i];
    return NULL;
}

/* Value of a key in a table with its default, parsed; diagnostics on error. */
static int typed(es_diag_t *diag, const es_config_key_t *table, const es_kv_t *kv,
                 const char *key, es_value_t *out)
{
    const es_config_key_t *k = es__key_find(table, key);
    const char *s = kv ? kv->value : k->def;
    memset(out, 0, sizeof *out);
    if (!s)
        return 0;
    char err[256];
    if (es__key_check(k, s, out, err, sizeof err) < 0) {
        es__diag_add(diag, kv ? kv->file : "(default)", kv ? kv->line : 0, "%s: %s", key, err);
        return -1;
    }
    return 1;
}

static char *main_str(parse_ctx_t *pc, const char *key)
{
    const es_kv_t *kv = main_get(pc, key);
    if (kv)
        return es__strdup(kv->value);
    const es_config_key_t *k = es__key_find(es__main_keys, key);
    return es__strdup(k->def);
}

/* Where a main key's problem is reported: its line, else the main file. */
static void main_range_error(parse_ctx_t *pc, const char *key, const char *msg)
{
    const es_kv_t *kv = main_get(pc, key);
    es__diag_add(pc->diag, kv ? kv->file : pc->cfg->main_path, kv ? kv->line : 0, "%s: %s", key, msg);
}

static void apply_spike(parse_ctx_t *pc)
{
    es_config_t *cfg = pc->cfg;
    es_value_t v;
    /* A value that failed to parse was reported already: no range error too. */
#define SPIKE_KEY(key, field, member, cond, msg)                                                   \
    do {                                                                                           \
        if (typed(pc->diag, es__main_keys, main_get(pc, key), key, &v) > 0) {                       \
            cfg->field = v.member;                                                                 \
            if (!(cond))                                                                           \
                main_range_error(pc, key, msg);                                                    \
        }                                                                                          \
    } while (0)
    cfg->spike_enabled = 1;
    SPIKE_KEY("spike.enabled", spike_enabled, b, 1, "");
    cfg->spike_early = 1;
    SPIKE_KEY("spike.early", spike_early, b, 1, "");
    cfg->spike_topic = 1;
    SPIKE_KEY("spike.topic", spike_topic, b, 1, "");
    SPIKE_KEY("count_owned", count_owned, b, 1, "");
    /* Whole seconds: buckets are aligned on the epoch in seconds. */
    SPIKE_KEY("spike.bucket", spike_bucket_ms, ms, v.ms >= 60000 && v.ms <= 86400000 && v.ms % 1000 == 0,
              "must be whole seconds between 1m and 1d");
    SPIKE_KEY("spike.grace", spike_grace_ms, ms, v.ms <= 86400000 && v.ms % 1000 == 0,
              "must be whole seconds, at most 1d");
    SPIKE_KEY("spike.warmup", spike_warmup_ms, ms, 1, "");
    SPIKE_KEY("spike.cooldown", spike_cooldown_ms, ms, v.ms >= cfg->spike_bucket_ms, "must be at least spike.bucket");
    SPIKE_KEY("spike.p", spike_p, d, v.d > 0 && v.d < 1, "must be between 0 and 1 (exclusive)");
    SPIKE_KEY("spike.share_jump", spike_share_jump, d, v.d >= 0 && v.d < 1, "must be at least 0 and below 1");
    SPIKE_KEY("spike.min_count", spike_min_count, i, v.i >= 1, "must be at least 1");
    SPIKE_KEY("spike.top_terms", spike_top_terms, i, v.i >= 0 && v.i <= 50, "must be between 0 and 50");
    SPIKE_KEY("spike.example_urls", spike_example_urls, i, v.i >= 0 && v.i <= 20, "must be between 0 and 20");
#undef SPIKE_KEY
    const es_kv_t *bk = main_get(pc, "spike.by");
    if (bk) {
        char **items = NULL;
        size_t n = 0;
        if (es__split_list(bk->value, &items, &n) < 0) {
            es__diag_add(pc->diag, bk->file, bk->line,
                        "spike.by: expected a comma-separated list without empty items");
            return;
        }
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(items[i], "owner"))
                cfg->spike_by_owner = 1;
            else if (!strcmp(items[i], "network"))
                cfg->spike_by_network = 1;
            else if (!strcmp(items[i], "topic"))
                cfg->spike_by_topic = 1;
            else if (strcmp(items[i], "brand"))
                es__diag_add(pc->diag, bk->file, bk->line,
                            "spike.by: unknown series '%s' (expected brand, owner, network or topic)", items[i]);
        }
        es__strv_free(items, n);
    }
}

static void apply_main(parse_ctx_t *pc)
{
    es_config_t *cfg = pc->cfg;
    for (size_t i = 0; i < pc->n_main; i++) {
        const es_kv_t *kv = &pc->main_kvs[i];
        if (!es__key_find(es__main_keys, kv->key)) {
            const es_config_key_t *t[] = {es__main_keys};
            char near[160];
            es__diag_add(pc->diag, kv->file, kv->line, "unknown key '%s' in [earshot]%s", kv->key,
                        near_key(kv->key, t, 1, near, sizeof near));
        }
    }
    es_value_t v;
    cfg->state_dir = main_str(pc, "state_dir");
    cfg->plugin_dir = main_str(pc, "plugin_dir");
    /* An uninstalled build (tests, the demo) points at its source tree's
     * lexicons through the environment; an explicit key still wins. */
    const char *lex_env = getenv("EARSHOT_LEXICON_DIR");
    if (!main_get(pc, "lexicon_dir") && lex_env && *lex_env)
        cfg->lexicon_dir = es__strdup(lex_env);
    else
        cfg->lexicon_dir = main_str(pc, "lexicon_dir");
    cfg->inventory = main_str(pc, "inventory");
    const es_kv_t *lf = main_get(pc, "log_file");
    if (lf && *lf->value) {
        /* Relative to the main file, like conf_dir: a daemon's working
         * directory is "/". */
        const char *slash = strrchr(cfg->main_path, '/');
        char cwd[4096];
        if (lf->value[0] == '/')
            cfg->log_file = es__strdup(lf->value);
        else if (slash && cfg->main_path[0] == '/')
            cfg->log_file = es__asprintf("%.*s/%s", (int)(slash - cfg->main_path), cfg->main_path, lf->value);
        else if (getcwd(cwd, sizeof cwd))
            cfg->log_file = slash ? es__asprintf("%s/%.*s/%s", cwd, (int)(slash - cfg->main_path), cfg->main_path,
                                                lf->value)
                                  : es__asprintf("%s/%s", cwd, lf->value);
        else
            cfg->log_file = es__strdup(lf->value);
    }
    cfg->metrics_listen = main_str(pc, "metrics_listen");
    if (cfg->metrics_listen) {
        struct sockaddr_storage ss;
        char lerr[256];
        const es_kv_t *mk = main_get(pc, "metrics_listen");
        if (es__listen_addr_parse(cfg->metrics_listen, &ss, lerr, sizeof lerr) < 0)
            es__diag_add(pc->diag, mk ? mk->file : cfg->main_path, mk ? mk->line : 0, "%s", lerr);
    }
    cfg->sentiment_extra_lexicon = main_str(pc, "sentiment.extra_lexicon");
    const es_kv_t *lk = main_get(pc, "log_level");
    cfg->log_level = ES_LOG_INFO;
    if (lk && es__log_level_parse(lk->value, &cfg->log_level) < 0)
        es__diag_add(pc->diag, lk->file, lk->line,
                    "log_level: expected error, warn, info or debug, got '%s'", lk->value);
    cfg->sentiment_enabled = 1;
    if (typed(pc->diag, es__main_keys, main_get(pc, "sentiment.enabled"), "sentiment.enabled", &v) > 0)
        cfg->sentiment_enabled = v.b;
    if (typed(pc->diag, es__main_keys, main_get(pc, "sentiment.pos_threshold"), "sentiment.pos_threshold", &v) > 0)
        cfg->sentiment_pos = v.d;
    if (typed(pc->diag, es__main_keys, main_get(pc, "sentiment.neg_threshold"), "sentiment.neg_threshold", &v) > 0)
        cfg->sentiment_neg = v.d;
    if (typed(pc->diag, es__main_keys, main_get(pc, "dedupe.max_age"), "dedupe.max_age", &v) > 0)
        cfg->dedupe_max_age_ms = v.ms;
    if (typed(pc->diag, es__main_keys, main_get(pc, "queue.max_records"), "queue.max_records", &v) > 0)
        cfg->queue_max_records = v.i;
    if (typed(pc->diag, es__main_keys, main_get(pc, "spool.delay"), "spool.delay", &v) > 0)
        cfg->spool_delay_ms = v.ms;
    if (typed(pc->diag, es__main_keys, main_get(pc, "reconcile_interval"), "reconcile_interval", &v) > 0)
        cfg->reconcile_interval_ms = v.ms;
    if (typed(pc->diag, es__main_keys, main_get(pc, "reconcile_window"), "reconcile_window", &v) > 0)
        cfg->reconcile_window_ms = v.ms;
    if (typed(pc->diag, es__main_keys, main_get(pc, "http.per_host"), "http.per_host", &v) > 0)
        cfg->http_per_host = v.i;
    if (typed(pc->diag, es__main_keys, main_get(pc, "health.dead_letters"), "health.dead_letters", &v) > 0)
        cfg->health_dead_letters = v.i;
    if (typed(pc->diag, es__main_keys, main_get(pc, "health.failing_for"), "health.failing_for", &v) > 0)
        cfg->health_failing_for_ms = v.ms;
    if (typed(pc->diag, es__main_keys, main_get(pc, "health.spool_fill"), "health.spool_fill", &v) > 0)
        cfg->health_spool_fill = v.d;
    if (typed(pc->diag, es__main_keys, main_get(pc, "health.reload"), "health.reload", &v) > 0)
        cfg->health_reload = v.b;
    apply_spike(pc);

    /* conf_dir is relative to the main file, so a config tree can be moved
     * as a whole. */
    const es_kv_t *cd = main_get(pc, "conf_dir");
    const char *conf = cd ? cd->value : "conf.d";
    if (conf[0] == '/') {
        cfg->conf_dir = es__strdup(conf);
    } else {
        const char *slash = strrchr(cfg->main_path, '/');
        if (slash)
            cfg->conf_dir = es__asprintf("%.*s/%s", (int)(slash - cfg->main_path), cfg->main_path, conf);
        else
            cfg->conf_dir = es__strdup(conf);
    }
}

static void route_list(es_diag_t *diag, const es_kv_t *kv, char ***items, size_t *n)
{
    if (!kv)
        return;
    if (es__split_list(kv->value, items, n) < 0)
        es__diag_add(diag, kv->file, kv->line, "%s: expected a comma-separated list without empty items",
                    kv->key);
}

static void apply_instance(es_diag_t *diag, es_instance_cfg_t *ic)
{
    es_value_t v;
    if (!ic->plugin)
        es__diag_add(diag, ic->file, ic->line, "[%s %s]: missing required key 'plugin'",
                    ic->kind == ES_KIND_SOURCE ? "source" : "sink", ic->name);
    ic->tls_verify = 1;
    if (typed(diag, es__core_instance_keys, es__instance_cfg_get(ic, "tls_verify"), "tls_verify", &v) > 0)
        ic->tls_verify = v.b;
    if (ic->kind != ES_KIND_SINK)
        return;
    es_route_t *r = &ic->route;
    route_list(diag, es__instance_cfg_get(ic, "match.kind"), &r->kinds, &r->n_kinds);
    route_list(diag, es__instance_cfg_get(ic, "match.network"), &r->networks, &r->n_networks);
    route_list(diag, es__instance_cfg_get(ic, "match.brand"), &r->brands, &r->n_brands);
    route_list(diag, es__instance_cfg_get(ic, "match.owner"), &r->owners, &r->n_owners);
    route_list(diag, es__instance_cfg_get(ic, "match.label"), &r->labels, &r->n_labels);
    route_list(diag, es__instance_cfg_get(ic, "match.topic"), &r->topics, &r->n_topics);
    route_list(diag, es__instance_cfg_get(ic, "match.author_kind"), &r->author_kinds, &r->n_author_kinds);
    for (size_t i = 0; i < r->n_author_kinds; i++)
        if (strcmp(r->author_kinds[i], "official") && strcmp(r->author_kinds[i], "lookalike") &&
            strcmp(r->author_kinds[i], "public"))
            es__diag_add(diag, es__instance_cfg_get(ic, "match.author_kind")->file,
                        es__instance_cfg_get(ic, "match.author_kind")->line,
                        "match.author_kind: unknown kind '%s' (expected official, lookalike or public)",
                        r->author_kinds[i]);
    for (size_t i = 0; i < r->n_kinds; i++)
        if (strcmp(r->kinds[i], "mention") && strcmp(r->kinds[i], "alert") && strcmp(r->kinds[i], "account") &&
            strcmp(r->kinds[i], "deletion"))
            es__diag_add(diag, es__instance_cfg_get(ic, "match.kind")->file,
                        es__instance_cfg_get(ic, "match.kind")->line,
                        "match.kind: unknown kind '%s' (expected mention, alert, account or deletion)", r->kinds[i]);
    for (size_t i = 0; i < r->n_labels; i++)
        if (strcmp(r->labels[i], "positive") && strcmp(r->labels[i], "neutral") && strcmp(r->labels[i], "negative"))
            es__diag_add(diag, es__instance_cfg_get(ic, "match.label")->file,
                        es__instance_cfg_get(ic, "match.label")->line,
                        "match.label: unknown label '%s' (expected positive, neutral or negative)", r->labels[i]);
    if (typed(diag, es__core_sink_keys, es__instance_cfg_get(ic, "match.compound_min"), "match.compound_min", &v) > 0)
        r->has_min = 1, r->compound_min = v.d;
    if (typed(diag, es__core_sink_keys, es__instance_cfg_get(ic, "match.compound_max"), "match.compound_max", &v) > 0)
        r->has_max = 1, r->compound_max = v.d;
    if (typed(diag, es__core_sink_keys, es__instance_cfg_get(ic, "batch.max"), "batch.max", &v) > 0)
        ic->batch_max = v.i;
    if (typed(diag, es__core_sink_keys, es__instance_cfg_get(ic, "batch.linger"), "batch.linger", &v) > 0)
        ic->batch_linger_ms = v.ms;
    if (typed(diag, es__core_sink_keys, es__instance_cfg_get(ic, "retry.initial"), "retry.initial", &v) > 0)
        ic->retry_initial_ms = v.ms;
    if (typed(diag, es__core_sink_keys, es__instance_cfg_get(ic, "retry.max"), "retry.max", &v) > 0)
        ic->retry_max_ms = v.ms;
    if (typed(diag, es__core_sink_keys, es__instance_cfg_get(ic, "retry.max_attempts"), "retry.max_attempts", &v) > 0)
        ic->retry_max_attempts = v.i;
    if (typed(diag, es__core_sink_keys, es__instance_cfg_get(ic, "spool.max_records"), "spool.max_records", &v) > 0)
        ic->spool_max_records = v.i;
    if (typed(diag, es__core_sink_keys, es__instance_cfg_get(ic, "spool.max_bytes"), "spool.max_bytes", &v) > 0)
        ic->spool_max_bytes = v.size;
}

int es__config_load(const char *main_path, es_config_t **out, es_diag_t *diag)
{
    return es__config_load_with(main_path, NULL, out, diag);
}

static int load(const char *main_path, const char *extra, int offline, es_config_t **out, es_diag_t *diag);

int es__config_load_with(const char *main_path, const char *extra, es_config_t **out, es_diag_t *diag)
{
    return load(main_path, extra, 0, out, diag);
}

int es__config_load_offline(const char *main_path, es_config_t **out, es_diag_t *diag)
{
    return load(main_path, NULL, 1, out, diag);
}

static int load(const char *main_path, const char *extra, int offline, es_config_t **out, es_diag_t *diag)
{
    *out = NULL;
    es_config_t *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return ES_ENOMEM;
    cfg->refs = 1; /* the caller's */
    cfg->main_path = es__strdup(main_path ? main_path : es__config_default_path());
    cfg->extra_path = es__strdup(extra);
    parse_ctx_t pc = {.cfg = cfg, .diag = diag, .offline = offline};
    int rc = parse_file(&pc, cfg->main_path, 1);
    if (rc < 0) {
        free(pc.linebuf);
        es__config_free(cfg);
        return rc;
    }
    apply_main(&pc);
    if (cfg->conf_dir)
        parse_dropins(&pc, cfg->conf_dir);
    if (extra)
        parse_file(&pc, extra, 0); /* an unreadable file is in diag */
    for (size_t i = 0; i < cfg->n_instances; i++)
        apply_instance(diag, &cfg->instances[i]);
    es__config_listen_finish(cfg, diag);
    for (size_t i = 0; i < pc.n_main; i++) {
        free(pc.main_kvs[i].key);
        free(pc.main_kvs[i].value);
    }
    free(pc.main_kvs);
    free(pc.linebuf);
    *out = cfg;
    return 0;
}

static void validate_instance(const es_config_t *cfg, const char *search, es_diag_t *diag,
                              const es_instance_cfg_t *ic)
{
    if (!ic->plugin)
        return; /* already reported */
    es_plugin_handle_t *h;
    char err[1024];
    /* Owners come from the inventory and from topics' owner keys: without
     * either such a sink would silently receive nothing. */
    const es_kv_t *ok = es__instance_cfg_get(ic, "match.owner");
    int topic_owners = 0;
    for (size_t i = 0; i < cfg->n_topics; i++)
        topic_owners |= cfg->topics[i].owner != NULL;
    if (ok && (!cfg->inventory || !*cfg->inventory) && !topic_owners)
        es__diag_add(diag, ok->file, ok->line,
                    "match.owner: no inventory is configured and no [topic] has an owner, so no record "
                    "has an owner (set inventory in [earshot], give a topic an owner, or remove match.owner)");
    int rc = es__loader_open(search, ic->plugin, ic->kind, &h, err, sizeof err);
    if (rc < 0) {
        const es_kv_t *pk = es__instance_cfg_get(ic, "plugin");
        es__diag_add(diag, pk->file, pk->line, "%s", err);
        return;
    }
    const es_config_key_t *keys = h->desc->keys;
    for (size_t i = 0; i < ic->n_kvs; i++) {
        const es_kv_t *kv = &ic->kvs[i];
        const es_config_key_t *k = es__key_find(es__core_instance_keys, kv->key);
        if (!k && ic->kind == ES_KIND_SINK)
            k = es__key_find(es__core_sink_keys, kv->key);
        if (k)
            continue; /* parsed in apply_instance */
        k = es__key_find(keys, kv->key);
        if (!k) {
            const es_config_key_t *t[] = {keys, es__core_instance_keys,
                                          ic->kind == ES_KIND_SINK ? es__core_sink_keys : NULL};
            char near[160];
            const char *dym = near_key(kv->key, t, 3, near, sizeof near);
            if (*dym)
                es__diag_add(diag, kv->file, kv->line, "unknown key '%s' for plugin '%s'%s", kv->key, ic->plugin, dym);
            else
                es__diag_add(diag, kv->file, kv->line,
                            "unknown key '%s' for plugin '%s' (see: earshot plugins --describe %s)", kv->key,
                            ic->plugin, ic->plugin);
            continue;
        }
        char verr[512];
        if (es__key_check(k, kv->value, NULL, verr, sizeof verr) < 0)
            es__diag_add(diag, kv->file, kv->line, "%s: %s", kv->key, verr);
    }
    for (const es_config_key_t *k = keys; k && k->name; k++)
        if (k->required && !es__instance_cfg_get(ic, k->name))
            es__diag_add(diag, ic->file, ic->line, "[%s %s]: missing required key '%s' for plugin '%s'",
                        ic->kind == ES_KIND_SOURCE ? "source" : "sink", ic->name, k->name,
                        ic->plugin);
    es__loader_close(h);
}

void es__config_validate(const es_config_t *cfg, es_diag_t *diag)
{
    char *search = es__loader_search_path(cfg->plugin_dir);
    if (!search)
        return;
    for (size_t i = 0; i < cfg->n_instances; i++)
        validate_instance(cfg, search, diag, &cfg->instances[i]);
    free(search);
}

const es_kv_t *es__instance_cfg_get(const es_instance_cfg_t *ic, const char *key)
{
    for (size_t i = 0; i < ic->n_kvs; i++)
        if (strcmp(ic->kvs[i].key, key) == 0)
            return &ic->kvs[i];
    return NULL;
}

int es__instance_cfg_equal(const es_instance_cfg_t *a, const es_instance_cfg_t *b)
{
    if (a->kind != b->kind || strcmp(a->name, b->name) != 0 || a->n_kvs != b->n_kvs)
        return 0;
    for (size_t i = 0; i < a->n_kvs; i++) {
        const es_kv_t *o = es__instance_cfg_get(b, a->kvs[i].key);
        if (!o || strcmp(o->value, a->kvs[i].value) != 0)
            return 0;
    }
    return 1;
}

static void route_free(es_route_t *r)
{
    es__strv_free(r->kinds, r->n_kinds);
    es__strv_free(r->networks, r->n_networks);
    es__strv_free(r->brands, r->n_brands);
    es__strv_free(r->owners, r->n_owners);
    es__strv_free(r->labels, r->n_labels);
    es__strv_free(r->topics, r->n_topics);
    es__strv_free(r->author_kinds, r->n_author_kinds);
}

static void kvs_free(es_kv_t *kvs, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        free(kvs[j].key);
        free(kvs[j].value);
    }
    free(kvs);
}

void es__config_free(es_config_t *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n_instances; i++) {
        es_instance_cfg_t *ic = &cfg->instances[i];
        for (size_t j = 0; j < ic->n_kvs; j++) {
            free(ic->kvs[j].key);
            /* Secrets are wiped before the memory is reused. */
            if (ic->kvs[j].value)
                explicit_bzero(ic->kvs[j].value, strlen(ic->kvs[j].value));
            free(ic->kvs[j].value);
        }
        free(ic->kvs);
        free(ic->name);
        free(ic->plugin);
        route_free(&ic->route);
    }
    free(cfg->instances);
    for (size_t i = 0; i < cfg->n_brands; i++) {
        free(cfg->brands[i].name);
        es__strv_free(cfg->brands[i].keywords, cfg->brands[i].n_keywords);
        kvs_free(cfg->brands[i].kvs, cfg->brands[i].n_kvs);
    }
    free(cfg->brands);
    for (size_t i = 0; i < cfg->n_topics; i++) {
        free(cfg->topics[i].name);
        kvs_free(cfg->topics[i].kvs, cfg->topics[i].n_kvs);
    }
    free(cfg->topics);
    es__strv_free(cfg->files, cfg->n_files);
    free(cfg->main_path);
    free(cfg->extra_path);
    free(cfg->state_dir);
    free(cfg->plugin_dir);
    free(cfg->conf_dir);
    free(cfg->lexicon_dir);
    free(cfg->inventory);
    free(cfg->log_file);
    free(cfg->metrics_listen);
    free(cfg->sentiment_extra_lexicon);
    free(cfg);
}
