/*
 * earshot plugin ABI. Installed as <earshot/plugin.h>.
 *
 * A plugin is a shared object named NAME.so in the plugin directory. It
 * exports `earshot_source` and/or `earshot_sink`, each a `const es_plugin_t`
 * describing one side. The core refuses an object whose `abi` field differs
 * from ES_PLUGIN_ABI, or that lacks the symbol for the kind a config section
 * asks for.
 *
 * Threading: unless a contract says otherwise, every function here and every
 * callback a plugin receives runs on the single event-loop thread. A plugin
 * that offloads work (uv_queue_work, its own thread) must come back to the
 * loop thread (the after_work callback, a uv_async_t) before it calls into the
 * core again.
 *
 * Errors: functions return 0 or a negative ES_E* code; es_strerror() names it.
 */
#ifndef EARSHOT_PLUGIN_H
#define EARSHOT_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below changes layout or a callback changes
 * meaning; the loader refuses any other number. */
#define ES_PLUGIN_ABI 2

/* Marks what the earshot binary exports. The core is compiled with hidden
 * visibility, so a function a plugin may call is declared ES_API in one of
 * the installed headers (earshot/NAME.h) or it cannot be reached; everything
 * these headers declare (helpers included) is covered by ES_PLUGIN_ABI. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define ES_API __attribute__((visibility("default")))
#else
#define ES_API
#endif

#define ES_SOURCE_SYMBOL "earshot_source"
#define ES_SINK_SYMBOL "earshot_sink"

/* ---- errors ------------------------------------------------------------ */

enum {
    ES_OK = 0,
    ES_ENOMEM = -1,    /* allocation failed */
    ES_EINVAL = -2,    /* invalid argument or record */
    ES_EIO = -3,       /* read/write error on a file or socket */
    ES_ENOENT = -4,    /* no such file, key or plugin */
    ES_EPARSE = -5,    /* malformed input (config, JSON, XML, dates) */
    ES_EABI = -6,      /* plugin built for another ABI */
    ES_ECONFIG = -7,   /* configuration invalid */
    ES_EHTTP = -8,     /* HTTP transfer failed */
    ES_ETIMEDOUT = -9, /* operation timed out */
    ES_EDB = -10,      /* state database error */
    ES_EAGAIN = -11,   /* try again later (backpressure, busy) */
    ES_EEXIST = -12,   /* already exists (duplicate name) */
    ES_ECANCELED = -13,/* operation cancelled (shutdown, reload) */
    ES_ETOOBIG = -14,  /* input over a configured size limit */
    ES_ENOTSUP = -15,  /* not supported */
    ES_ESTATE = -16,   /* called in the wrong state (e.g. after stop) */
};

/* Static English text for an ES_E* code (or "unknown error"). Never NULL,
 * never to be freed. Any thread. */
ES_API const char *es_strerror(int err);

/* ---- logging ----------------------------------------------------------- */

typedef enum {
    ES_LOG_ERROR = 0,
    ES_LOG_WARN = 1,
    ES_LOG_INFO = 2,
    ES_LOG_DEBUG = 3,
} es_log_level_t;

typedef struct es_ctx es_ctx_t;

/* Logs one line to the core's log, prefixed with the plugin instance name
 * ("source rss-acme: ..."). Lines below the configured level cost one
 * comparison. Any thread: the core serialises writes. Never pass secrets. */
ES_API void es_log(es_ctx_t *ctx, es_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For a warning that bad input can repeat without end (one per bad line or
 * element of a file): the first 10 of one `kind` (a short label such as
 * "bad_line") about one `subject` (the file or URL) are logged in full as
 * es_log would; the rest are only counted, and one line "... and 199,990
 * more like it in SUBJECT (KIND)" is logged when es_log_flood_end() is
 * called for the subject, when the instance is freed, and every minute
 * while the flood goes on. Every call, logged or not, counts in the metric
 * earshot_input_warnings_total{instance,kind}. Any thread. */
ES_API void es_log_limited(es_ctx_t *ctx, es_log_level_t level, const char *kind, const char *subject,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The input `subject` is done (a file read to its end): its floods are
 * summarised now and forgotten, so reading it again starts with 10 full
 * lines. NULL: every subject of the instance. Any thread. */
ES_API void es_log_flood_end(es_ctx_t *ctx, const char *subject);

/* ---- configuration keys ------------------------------------------------ */

typedef enum {
    ES_KEY_STRING = 1,
    ES_KEY_INT,      /* signed 64-bit decimal */
    ES_KEY_DOUBLE,
    ES_KEY_BOOL,     /* true/false, yes/no, on/off, 1/0 */
    ES_KEY_DURATION, /* 250ms, 30s, 5m, 2h, 1d; bare number = seconds */
    ES_KEY_SIZE,     /* 512, 64k, 10M, 1G (powers of 1024) */
    ES_KEY_LIST,     /* comma-separated, items trimmed, empty items refused */
    ES_KEY_SECRET,   /* like STRING but never printed by `check`/logs */
    ES_KEY_URL,      /* a STRING that must be an http:// or https:// URL
                        without white space */
    ES_KEY_URL_LIST, /* a LIST of such URLs */
} es_key_type_t;

/* One entry in a plugin's key table; the table ends with a {NULL} entry.
 * `def` is the default as it would be written in a config file (NULL: none).
 * `help` is one line shown by `earshot plugins --describe`. A key whose name
 * ends in '.' is a prefix: any key starting with it is accepted as a string
 * (e.g. "header." for header.X-Token).
 *
 * `min` and `max` (INT, DOUBLE, DURATION, SIZE) are inclusive bounds written
 * as in a config file ("1s", "64k", "100"); `choices` (STRING, LIST) is the
 * '|'-separated set of accepted values ("full|normal|off"; for a LIST, of
 * each item). NULL: no bound. The core refuses a value outside them in
 * `earshot check`, at start and on reload, so init never sees one, and
 * `plugins --describe` and earshot.conf(5) print them. Declare them here
 * rather than checking in init: a check in init only fails `run`. */
typedef struct es_config_key {
    const char *name;
    es_key_type_t type;
    const char *def;
    int required;
    const char *help;
    const char *min, *max;
    const char *choices;
} es_config_key_t;

/* Typed getters for the instance's validated config. The core has checked
 * every value against the key table before init, so the getters cannot fail
 * on type; a key that is absent yields its default (0/""/false/empty when the
 * table has none). Returned strings are owned by the core and stay valid until
 * the plugin's destroy callback returns. Asking for a key not in the table is
 * a programming error: it is logged and the zero value returned. Loop thread
 * or init only. */
ES_API const char *es_config_str(es_ctx_t *ctx, const char *key);
ES_API int64_t es_config_int(es_ctx_t *ctx, const char *key);
ES_API double es_config_double(es_ctx_t *ctx, const char *key);
ES_API int es_config_bool(es_ctx_t *ctx, const char *key);
ES_API uint64_t es_config_duration_ms(es_ctx_t *ctx, const char *key);
ES_API uint64_t es_config_size(es_ctx_t *ctx, const char *key);
/* Sets *items to a core-owned array of *count strings. Returns *count. */
ES_API size_t es_config_list(es_ctx_t *ctx, const char *key, const char *const **items);
/* Visits every key under a prefix key (e.g. "header."), in file order, with
 * the suffix after the prefix and the value. Returns how many were visited. */
ES_API size_t es_config_prefixed(es_ctx_t *ctx, const char *prefix,
                          void (*visit)(const char *suffix, const char *value, void *arg),
                          void *arg);

/* ---- context ----------------------------------------------------------- */

/* The loop every callback runs on. Owned by the core. */
ES_API uv_loop_t *es_ctx_loop(es_ctx_t *ctx);
/* The instance name from "[source NAME]". Owned by the core. */
ES_API const char *es_ctx_name(es_ctx_t *ctx);
/* The state directory (exists, writable). Owned by the core. */
ES_API const char *es_ctx_state_dir(es_ctx_t *ctx);
/* Non-zero when the agent runs with --once: a source polls once and then
 * calls es_source_done(); the core waits for sinks to drain and exits. */
ES_API int es_ctx_once(es_ctx_t *ctx);

/* ---- mentions and records ---------------------------------------------- */

/* Engagement counts a source gives with a post, indexes into
 * es_mention_t.metrics. */
typedef enum es_metric {
    ES_METRIC_LIKES = 0,   /* likes, favourites, upvote score */
    ES_METRIC_REPOSTS,     /* retweets, reposts */
    ES_METRIC_REPLIES,     /* replies, comments */
    ES_METRIC_QUOTES,      /* quote posts */
    ES_METRIC_VIEWS,       /* impressions, views */
    ES_METRIC_COUNT
} es_metric_t;

/* "likes" | "reposts" | "replies" | "quotes" | "views"; NULL out of range.
 * The names of the record JSON's "metrics" members and of the SQL columns. */
ES_API const char *es_metric_name(int metric);

typedef struct es_sentiment {
    double compound;   /* [-1, 1] */
    double pos, neu, neg; /* shares, sum to 1 when scored */
    const char *label; /* "positive" | "neutral" | "negative"; NULL if unscored */
} es_sentiment_t;

/* A mention as the design names its fields. Strings are UTF-8, NUL-terminated,
 * NULL when unknown. Sources fill one with pointers they own and pass it to
 * es_emit(); the core copies what it needs before es_emit() returns. Sinks
 * receive read-only mentions owned by the core, valid until their batch is
 * completed with es_batch_done(). */
typedef struct es_mention {
    const char *id;          /* "<network>:<native id>", required */
    const char *network;     /* required */
    const char *source;      /* instance name; set by the core */
    const char *author;
    const char *author_name;
    const char *url;
    const char *title;
    const char *text;        /* plain text, required (may be "") */
    const char *lang;
    int64_t created_at;      /* UTC seconds since the epoch; 0 = unknown */
    const char *in_reply_to; /* mention id */
    const char *reply_to_author;
    const char *const *addressed; /* handles the mention names */
    size_t n_addressed;
    /* Reach, as the source counted it when the post was read. A zeroed
     * mention gives none: a count is only meant where its bit is set, so
     * "not given" never reads as "nobody liked it". */
    int64_t metrics[ES_METRIC_COUNT]; /* indexed by es_metric_t */
    unsigned metrics_given;           /* bit (1u << metric): metrics[metric] is given */
    int64_t followers;                /* the author's followers ... */
    int followers_given;              /* ... when non-zero */
    /* Stage results: set by the core, ignored in es_emit(). */
    const char *brand;
    const char *author_kind; /* "official" | "lookalike" | "public" */
    const char *owner;
    const char *addressed_account;
    es_sentiment_t sentiment;
    /* Every brand whose query matched, in config order (brands[0] is
     * brand); brand_owned[i] is 1 when an official account of brands[i]
     * wrote the mention (owned, not earned: docs/queries.md). Every topic
     * that matched, with the team that owns it (NULL: none). */
    const char *const *brands;
    const unsigned char *brand_owned;
    size_t n_brands;
    const char *const *topics;
    const char *const *topic_owners;
    size_t n_topics;
} es_mention_t;

/* Queues a copy of *m into the pipeline. Invalid UTF-8 in any string is
 * replaced by U+FFFD; missing id/network/text is ES_EINVAL (and logged).
 * Returns 0 when accepted (it may still be dropped later as a duplicate).
 * Loop thread only; sources only. */
ES_API int es_emit(es_ctx_t *ctx, const es_mention_t *m);

/* As es_emit, and cb(ctx, arg, accepted) runs once on the loop thread
 * when the core is done taking the record, never inside the es_emit_acked
 * call itself nor inside a sink's call (the core completes records from
 * the top of its loop, so cb may emit again): accepted = 1 when it is durable
 * in the spool of every sink that matched (or was delivered, dead-lettered,
 * dropped as a duplicate or invalid, or matched no sink), 0 when it was
 * abandoned at shutdown undelivered and must be read again. For sources
 * whose upstream wants an acknowledgement (a message queue). cb never runs
 * after the instance was stopped (its records then count as not
 * acknowledged) nor when this returns an error. */
typedef void (*es_ack_cb)(es_ctx_t *ctx, void *arg, int accepted);
ES_API int es_emit_acked(es_ctx_t *ctx, const es_mention_t *m, es_ack_cb cb, void *arg);

/* A source says the mention `id` was withdrawn where it was posted: deleted
 * by its author, withheld, dropped by a compliance stream. `id` is the
 * native id or "<network>:<native id>", as for es_emit; `action` (NULL:
 * "delete") is a short word kept with the record; `at` (0: unknown) is when
 * it happened, epoch seconds. The core routes a record of kind "deletion"
 * ({"id","network","source","action","at"}) to every running sink whose
 * match.kind and match.network accept it: brand, topic, author and label
 * filters do not apply, as a withdrawn mention's stage results are not
 * known any more and any sink may hold it. Sinks that store mentions remove
 * it (docs/plugin-abi.md). The id is also remembered as delivered, so a
 * copy emitted later (a re-import) is dropped as a duplicate within
 * dedupe.max_age. Durable as es_emit: the source's checkpoint waits for
 * the record to be spooled, and cb (may be NULL) runs as for
 * es_emit_acked. ES_EINVAL (logged) without network or id or with one that
 * is not UTF-8; ES_ESTATE outside the running phase; ES_ENOMEM; cb does
 * not run after an error. Loop thread only; sources only. */
ES_API int es_emit_deletion(es_ctx_t *ctx, const char *network, const char *id, const char *action, int64_t at,
                     es_ack_cb cb, void *arg);

/* Non-zero while the pipeline is above its high-water mark: a source should
 * stop reading or fetching until its `resume` callback runs. Loop thread. */
ES_API int es_backpressure(es_ctx_t *ctx);

/* A file-reading source says it consumed `bytes` more input bytes; the
 * core shows it on `earshot import`'s progress line. Loop thread. */
ES_API void es_source_progress(es_ctx_t *ctx, uint64_t bytes);

/* Once mode: the source has finished its single poll. Idempotent. */
ES_API void es_source_done(es_ctx_t *ctx);

typedef enum {
    ES_RECORD_MENTION = 1,
    ES_RECORD_ALERT = 2,   /* a spike began or ended */
    ES_RECORD_ACCOUNT = 3, /* an inventory finding */
    ES_RECORD_DELETION = 4, /* a mention withdrawn upstream (es_emit_deletion) */
} es_record_kind_t;

/* One record handed to a sink. Exactly one of `mention` (kind MENTION) and
 * `fields` (a JSON object, other kinds) is set. Owned by the core. */
typedef struct es_record {
    es_record_kind_t kind;
    const es_mention_t *mention;
    const json_t *fields;
} es_record_t;

/* "mention" | "alert" | "account" | "deletion". */
ES_API const char *es_record_kind_name(es_record_kind_t kind);

/* The record as one compact JSON object (the design's field names, plus
 * "kind", stage results and "sentiment":{compound,pos,neu,neg,label}).
 * Serialised once and cached; owned by the core; valid while the record is.
 * *len (may be NULL) receives its length. Loop thread only: a sink that
 * writes on another thread serialises before handing off. NULL on ENOMEM. */
ES_API const char *es_record_json(const es_record_t *rec, size_t *len);

/* ---- sinks ------------------------------------------------------------- */

typedef enum {
    ES_SINK_OK = 0,    /* delivered; records leave the queue */
    ES_SINK_RETRY = 1, /* transient; the core retries with backoff */
    ES_SINK_FAIL = 2,  /* permanent; records go to the dead-letter table */
    ES_SINK_DEFER = 3, /* not now, by design (a digest not due yet): the
                          batch comes back after retry_after_ms, which is
                          required; no attempt is counted, nothing logged
                          above debug, never dead-lettered */
} es_sink_status_t;

typedef struct es_batch {
    const es_record_t *const *records;
    size_t count;
    unsigned attempt; /* 1 on first delivery */
} es_batch_t;

/* Completes a batch given to a sink's write callback. Must be called exactly
 * once per batch, on the loop thread (possibly from inside write).
 * `retry_after_ms` (RETRY only, 0 = core's backoff) is a server's hint such as
 * Retry-After. `error` (may be NULL) is a short reason kept with dead letters
 * and logged (copied; it must not contain secrets). After this call the
 * batch and its records must not be touched. The call only records the
 * answer and returns: the core completes the batch (and may call write
 * again) later on the loop, never from inside this call, so a sink needs
 * no guard against re-entry. */
ES_API void es_batch_done(es_ctx_t *ctx, es_batch_t *batch, es_sink_status_t status,
                   uint64_t retry_after_ms, const char *error);

/* Marks one record of a batch as permanently failed (e.g. a constraint
 * violation) while the rest take the status given to es_batch_done(). Call
 * before es_batch_done(). */
ES_API void es_batch_fail_record(es_ctx_t *ctx, es_batch_t *batch, size_t index,
                          const char *error);

/* Marks one record of a batch as taken by the receiver, for sinks that send
 * a batch in several requests or messages (webhook chunks, one mail per
 * record). Whatever status es_batch_done() then gives, that record counts
 * as delivered: it leaves the spool at once, and a RETRY re-sends only the
 * records not marked, so a receiver never gets one twice because its
 * neighbours failed. Call before es_batch_done(), on the loop thread. An
 * index out of range, or of a record already failed, is ignored. */
ES_API void es_batch_delivered(es_ctx_t *ctx, es_batch_t *batch, size_t index);

/* ---- checkpoints ------------------------------------------------------- */

/* A per-instance key/value store persisted in the state database.
 *
 * es_checkpoint_get() copies the last committed value into a new malloc'd
 * string the caller frees (*value = NULL and ES_ENOENT when absent).
 *
 * es_checkpoint_set() records a value that becomes durable only after every
 * record this instance emitted before the call has been delivered to every
 * sink that matched it (or dead-lettered). A crash before that leaves the old
 * value, so the source re-reads and nothing accepted is lost; the dedupe stage
 * drops what was already delivered. A later set for the same key supersedes
 * an earlier pending one. Reading back a pending key returns the pending
 * value. Loop thread only. */
ES_API int es_checkpoint_get(es_ctx_t *ctx, const char *key, char **value);
ES_API int es_checkpoint_set(es_ctx_t *ctx, const char *key, const char *value);

/* ---- HTTP service ------------------------------------------------------ */

typedef struct es_http_req es_http_req_t;

typedef struct es_http_request {
    const char *method;      /* "GET" (default when NULL), "POST", ... */
    const char *url;         /* http:// or https:// only */
    const char *const *headers; /* "Name: value" strings, NULL-terminated; a
                                   value with CR or LF is refused (ES_EINVAL) */
    const char *body;        /* may be NULL */
    size_t body_len;
    uint64_t timeout_ms;     /* whole transfer; 0 = 30 s */
    int conditional;         /* send If-None-Match/If-Modified-Since saved from
                                this URL's last 200 response */
    long max_redirects;      /* 0 = 5; -1 = do not follow */
    size_t max_body;         /* 0 = 64 MiB; larger bodies fail with ETOOBIG */
} es_http_request_t;

typedef struct es_http_response {
    int error;               /* 0, or ES_EHTTP / ES_ETIMEDOUT / ES_ETOOBIG /
                                ES_ECANCELED */
    const char *error_text;  /* curl's message when error != 0, else "" */
    long status;             /* HTTP status; 0 if no response */
    const char *body;        /* NUL-terminated (may contain NULs), decoded
                                from gzip/deflate */
    size_t body_len;
    const char *effective_url;
    uint64_t retry_after_ms; /* from Retry-After (seconds or HTTP date); 0 */
    int not_modified;        /* 304 on a conditional request */
} es_http_response_t;

/* Called once per request on the loop thread. The response and everything
 * it points to are owned by the core and freed when the callback returns. */
typedef void (*es_http_cb)(es_ctx_t *ctx, const es_http_response_t *resp, void *arg);

/* Starts a request through the shared libcurl multi handle. Strings in *req
 * are copied. TLS peer and host verification are on unless the instance set
 * `tls_verify = false` (warned once). At most `http.per_host` transfers run
 * per host; the rest wait in order. `*handle` (may be NULL) can cancel it.
 * Returns 0, ES_EINVAL (bad URL/header), ES_ENOMEM or ES_ESTATE (stopping).
 * Loop thread only. */
ES_API int es_http_request(es_ctx_t *ctx, const es_http_request_t *req,
                    es_http_cb cb, void *arg, es_http_req_t **handle);

/* Case-insensitive lookup of a response header of the final response; the
 * last value wins. NULL when absent. Only valid inside the callback. */
ES_API const char *es_http_header(const es_http_response_t *resp, const char *name);

/* Cancels a pending request: its callback runs once with ES_ECANCELED, from
 * inside this call. A handle whose callback already ran must not be passed. */
ES_API void es_http_cancel(es_http_req_t *handle);

/* ---- the descriptor ---------------------------------------------------- */

typedef enum {
    ES_KIND_SOURCE = 1,
    ES_KIND_SINK = 2,
} es_plugin_kind_t;

typedef struct es_plugin {
    uint32_t abi;            /* ES_PLUGIN_ABI */
    es_plugin_kind_t kind;
    const char *name;        /* equals the file name without ".so" */
    const char *description; /* one line */
    const es_config_key_t *keys;

    /* Reads config, allocates state; no I/O that can block. Returns 0 and
     * sets *state, or a negative code after logging why. */
    int (*init)(es_ctx_t *ctx, void **state);
    /* Starts timers, watchers and requests. Non-zero aborts the start. */
    int (*start)(void *state);
    /* Optional (sources): backpressure lifted; continue reading. */
    void (*resume)(void *state);
    /* Begins stopping: stop timers, cancel requests, close handles. When
     * everything is closed, call es_stopped() (possibly from inside stop). A
     * sink is stopped only after its last batch completed. */
    void (*stop)(void *state);
    /* Frees state. Called after es_stopped(). */
    void (*destroy)(void *state);

    /* Sinks only: deliver a batch; complete it with es_batch_done(). A
     * sink gets one batch at a time. Returns 0, or a negative code meaning
     * the batch was not taken (treated as RETRY). */
    int (*write)(void *state, es_batch_t *batch);
} es_plugin_t;

/* The plugin has finished stopping (see stop). Loop thread. */
ES_API void es_stopped(es_ctx_t *ctx);

#ifdef __cplusplus
}
#endif

#endif /* EARSHOT_PLUGIN_H */
