/*
 * Configuration: the main file, then every conf_dir/NAME.conf in lexical order, parsed
 * with libinih. The result is an immutable es_config_t; a reload builds a new
 * one and the agent diffs the two.
 *
 * Problems are collected, not fatal one by one, so `earshot check` can print
 * every "file:line: message" in one pass.
 */
#ifndef ES_CONFIG_H
#define ES_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <earshot/plugin.h>

/* A growable list of "file:line: message" strings. */
typedef struct es_diag {
    char **msgs;
    size_t count, cap;
} es_diag_t;

void es__diag_add(es_diag_t *d, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void es__diag_free(es_diag_t *d);
struct es_config;
/* Orders "file:line: message" diagnostics by the order the files were read
 * and then by line, so `check` reads like the files (stable otherwise). */
void es__diag_sort(es_diag_t *d, const struct es_config *cfg);

typedef struct es_kv {
    char *key;
    char *value;   /* after ${VAR} expansion */
    const char *file; /* points into es_config_t.files */
    int line;
} es_kv_t;

/* Routing keys of a sink; a NULL list accepts anything. */
typedef struct es_route {
    char **kinds, **networks, **brands, **owners, **labels, **topics, **author_kinds;
    size_t n_kinds, n_networks, n_brands, n_owners, n_labels, n_topics, n_author_kinds;
    int has_min, has_max;
    double compound_min, compound_max;
} es_route_t;

typedef struct es_instance_cfg {
    es_plugin_kind_t kind;
    char *name;
    char *plugin;
    const char *file;
    int line; /* of the [section] header */
    es_kv_t *kvs;
    size_t n_kvs;
    es_route_t route;   /* sinks */
    /* Core keys every instance accepts, parsed. */
    int tls_verify;
    /* Sink delivery keys. */
    int64_t batch_max;
    uint64_t batch_linger_ms;
    uint64_t retry_initial_ms, retry_max_ms;
    int64_t retry_max_attempts;
    /* Spool bounds: above either, sources pause until the sink drains. */
    int64_t spool_max_records;
    uint64_t spool_max_bytes;
} es_instance_cfg_t;

/* A [brand NAME] or [topic NAME] section (docs/queries.md). Its keys are
 * kept as read (continuation lines joined) and interpreted by
 * es__config_listen_finish(). */
typedef struct es_brand_cfg {
    char *name;
    char **keywords;     /* keywords = (sugar for an OR of phrases) */
    size_t n_keywords;
    const es_kv_t *query; /* query =, or NULL */
    es_kv_t *kvs;
    size_t n_kvs;
    const char *file;
    int line;
} es_brand_cfg_t;

typedef struct es_topic_cfg {
    char *name;
    const es_kv_t *query; /* required */
    const char *brand;    /* scope: the topic only matches mentions of this brand */
    const char *owner;    /* the team that can act on it */
    es_kv_t *kvs;
    size_t n_kvs;
    const char *file;
    int line;
} es_topic_cfg_t;

typedef struct es_config {
    unsigned refs; /* see es__config_ref() */
    char *main_path;
    char *extra_path; /* one more drop-in read last (earshot import), or NULL */
    char **files; /* every file read, owned here; kvs point into it */
    size_t n_files;

    char *state_dir;
    char *plugin_dir;   /* colon list */
    char *conf_dir;
    char *lexicon_dir;
    es_log_level_t log_level;
    char *log_file;     /* NULL: stderr (or syslog with --syslog) */
    char *inventory;    /* NULL: none */
    uint64_t reconcile_interval_ms, reconcile_window_ms;
    int sentiment_enabled;
    char *sentiment_extra_lexicon;
    double sentiment_pos, sentiment_neg;
    uint64_t dedupe_max_age_ms;
    int64_t queue_max_records; /* backpressure high-water mark */
    uint64_t spool_delay_ms;   /* spool.delay: see es__delivery_spool_lazy */
    int64_t http_per_host;
    char *metrics_listen; /* NULL: no metrics endpoint */
    /* /health is "degraded" past these (docs/metrics.md); 0 turns one off. */
    int64_t health_dead_letters;
    uint64_t health_failing_for_ms;
    double health_spool_fill;
    int health_reload;
    /* Negative-spike detector (core/spike/); see docs/spikes.md. */
    int spike_enabled, spike_early, spike_topic;
    uint64_t spike_bucket_ms, spike_grace_ms, spike_warmup_ms, spike_cooldown_ms;
    double spike_p, spike_share_jump;
    int64_t spike_min_count, spike_top_terms, spike_example_urls;
    int spike_by_owner, spike_by_network, spike_by_topic; /* spike.by: extra series besides the brand's */

    es_instance_cfg_t *instances;
    size_t n_instances;
    es_brand_cfg_t *brands;
    size_t n_brands;
    es_topic_cfg_t *topics;
    size_t n_topics;
    int count_owned; /* owned mentions count in volume, shares and spikes */
} es_config_t;

/* Keys every instance accepts besides its plugin's (plugin, tls_verify), and
 * the delivery and routing keys of sinks. Tables end with {NULL}. */
extern const es_config_key_t es__core_instance_keys[];
extern const es_config_key_t es__core_sink_keys[];
extern const es_config_key_t es__main_keys[];

/* Parses main_path (NULL: the default) and its drop-ins. The result holds
 * one reference (es__config_unref, or es__config_free when never shared). Syntax, global
 * keys, section names, duplicate names and ${VAR} are checked here; plugin
 * keys are checked by es__config_validate(). Returns 0 with *out set even
 * when diagnostics were added (so `check` can go on); ES_EIO if the main file
 * cannot be read, ES_ENOMEM. */
int es__config_load(const char *main_path, es_config_t **out, es_diag_t *diag);
/* The same, then one more drop-in file, read after conf_dir's (NULL: none);
 * kept in extra_path so a reload reads it again. */
int es__config_load_with(const char *main_path, const char *extra, es_config_t **out, es_diag_t *diag);
/* The same, for commands that start no instance (report, spool, accounts):
 * an unset ${VAR} in a [source]/[sink] section is not an error, its value
 * expands to "" (such a command never uses a sink's secret; one that does,
 * e.g. report's default DSN, then reports the empty value). [earshot] still
 * needs its variables. */
int es__config_load_offline(const char *main_path, es_config_t **out, es_diag_t *diag);

/* Checks every instance against its plugin's descriptor (found through
 * plugin_dir): unknown key, bad value with the expected type, missing
 * required key, unknown plugin, plugin kind mismatch. */
void es__config_validate(const es_config_t *cfg, es_diag_t *diag);

void es__config_free(es_config_t *cfg);

/* Interprets the [brand] and [topic] sections' keys and parses every
 * query, reporting a bad one as file:line:column (core/config/config_listen.c).
 * Called by es__config_load. */
void es__config_listen_finish(es_config_t *cfg, es_diag_t *diag);
/* The file:line:column of byte `off` of kv's value (continuation lines
 * included), in buf. */
void es__config_value_pos(const es_kv_t *kv, size_t off, char *buf, size_t cap);

/* The instance's value for key, or NULL when absent. */
const es_kv_t *es__instance_cfg_get(const es_instance_cfg_t *ic, const char *key);
/* Non-zero when two instance configs are the same (plugin and every
 * key/value, ignoring file and line): a reload keeps such an instance. */
int es__instance_cfg_equal(const es_instance_cfg_t *a, const es_instance_cfg_t *b);

/* Looks a key up in a {NULL}-terminated table, honouring prefix keys that
 * end in '.'. */
const es_config_key_t *es__key_find(const es_config_key_t *table, const char *key);

/* Default main config path. */
const char *es__config_default_path(void);

#endif
