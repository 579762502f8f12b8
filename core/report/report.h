/*
 * `earshot report`: reads the sql sink's database (SQLite or PostgreSQL)
 * and the state DB's reconciliation, and writes one self-contained HTML
 * page with inline SVG charts. Internal to core/report/.
 */
#ifndef ES_REPORT_H
#define ES_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- the sink's database (db.c) ----------------------------------------- */

typedef struct es_report_db es_report_db_t;

/* Opens `dsn` read-only: "sqlite:PATH" (relative to state_dir), a bare
 * path, or "postgresql://..." / "postgres://..." (libpq, synchronous).
 * 0, or ES_ENOENT / ES_EDB / ES_ENOMEM with a reason in err. */
int es__report_db_open(const char *dsn, const char *state_dir, es_report_db_t **out, char *err,
                      size_t errlen);
void es__report_db_close(es_report_db_t *db);
/* The dsn of the config's first sql sink ("" when there is none: the
 * default database in state_dir). */
struct es_config;
const char *es__report_default_dsn(const struct es_config *cfg);
/* What the page says it read: "SQLite PATH" or "PostgreSQL db on host"
 * (never a password). */
const char *es__report_db_label(const es_report_db_t *db);
/* SQLite: queries stop with ES_EDB soon after *flag turns non-zero
 * (read atomically; a daemon stopping mid-page). No-op for PostgreSQL. */
void es__report_db_cancel_on(es_report_db_t *db, const int *flag);
/* Sets *has to 1 when the sink's mentions and alerts tables exist. */
int es__report_db_has_tables(es_report_db_t *db, int *has, char *err, size_t errlen);

/* One row: ncols values as text, NULL for SQL NULL. Non-zero stops. */
typedef int (*es_report_row_fn)(void *ud, int ncols, const char *const *vals);
/* Runs `sql`, written with ?1..?N placeholders (rewritten to $N for
 * PostgreSQL), values bound as text (NULL allowed). 0 or ES_EDB. */
int es__report_db_query(es_report_db_t *db, const char *sql, int nparams, const char *const *params,
                       es_report_row_fn fn, void *ud, char *err, size_t errlen);

/* ---- the data of the page (collect.c, issues.c) ------------------------- */

struct es_report_opts;
/* SQLite: copies the window's mentions (ES_REPORT_MENTIONS with the
 * window's WHERE) into a TEMP table once; later queries naming
 * ES_REPORT_MENTIONS read it. No-op for PostgreSQL. 0 or ES_EDB. */
int es__report_db_window(es_report_db_t *db, const struct es_report_opts *o, char *err, size_t errlen);

#define ES_REPORT_DAY 86400

typedef struct es_report_opts {
    int64_t since, now;   /* seconds; the window is [since, now] */
    const char *brand;    /* NULL: every brand */
} es_report_opts_t;

/* Builds the model rendered by es__report_render:
 * {"day0": first day index, "ndays": n, "has_tables": bool,
 *  "brands": [{"name", "total", "labels": {positive, neutral, negative,
 *     unscored}, "days": [[n, negative] x ndays], "channels": [{network,
 *     source, n}] (largest first), "alerts": [{id, event, series, owner,
 *     network, bucket_start, bucket_end, count, total, p_value, terms,
 *     urls}], "issues": [{day, negatives, from_alert, terms: [{term,
 *     count, lift}], urls: [{url, text}]}]}] (largest brand first)}.
 * 0 or ES_EDB / ES_ENOMEM with a reason in err. */
int es__report_collect(es_report_db_t *db, const es_report_opts_t *o, json_t **out, char *err,
                      size_t errlen);

/* Adds "issues" to every brand of the model: the over-represented words
 * of each day's negative mentions against all the brand's mentions of
 * the window, merged with the terms of that day's alerts. */
int es__report_issues(es_report_db_t *db, const es_report_opts_t *o, json_t *model, char *err,
                     size_t errlen);

/* Adds to the model what the finer sections need: "trend" {cut,
 * buckets[]} (hourly from cut, daily before) and per brand "trend"
 * [[positive, neutral, negative, unscored] x buckets], "owned" (the
 * brand's own posts), "langs" [{lang, n}], "topics" [{topic, owner, n,
 * negative, early, late, phrases [{phrase, n}]}], "authors" [{network,
 * author, name, kind, n, followers, engagement, url}] and "engaged"
 * [{url, text, author, network, followers, likes, reposts, replies,
 * quotes, engagement, label, at}]. */
int es__report_collect_detail(es_report_db_t *db, const es_report_opts_t *o, json_t *model, char *err,
                             size_t errlen);
/* Up to max two- and three-word phrases seen in at least two of the
 * texts counted into counts (es__report_phrases_add), most frequent
 * first, as [{phrase, n}]. Phrases neither start nor end with a stop
 * word and skip URLs, handles and numbers (phrases.c). */
struct es_spike_map;
void es__report_phrases_add(const struct es_spike_map *stop, json_t *counts, const char *title,
                           const char *text);
json_t *es__report_phrases_top(json_t *counts, size_t max);

/* The in-page filters' figures (cube.c): counts per brand, topic (NULL:
 * every topic), network, date range class and label, in cube (an
 * object), added one mention at a time; es__report_cube_topics adds the
 * topics' rows (mention_topics) to it, to the time cube and to the
 * sections' cube (channels, languages). */
void es__report_cube_add(json_t *cube, const char *brand, const char *topic, const char *network, int64_t t,
                        int64_t now, const char *label);
/* The date range class of time t: 0 last 24 h, 1 48 h, 2 7 days, 3 30
 * days, 4 older (the smallest range holding it). */
int es__report_range_class(int64_t t, int64_t now);
int es__report_cube_topics(es_report_db_t *db, const struct es_report_opts *o, json_t *cube, json_t *tcube,
                           json_t *xcube, char *err, size_t errlen);

/* The sections' figures for the filters (xcube.c): counts per brand,
 * topic (NULL: every topic), network, date range class and name (kind
 * 'c': the source of a channel, 'l': a language, 'o': owned posts, no
 * name), in xc (an object), added one mention at a time. */
void es__report_xcube_add(json_t *xc, char kind, const char *brand, const char *topic, const char *network,
                          const char *name, int64_t t, int64_t now);

/* The time charts' figures for the filters (tcube.c): per brand, trend
 * bucket and label, by network (kind 'n') or by topic ('t'). The
 * trend's buckets: whole hours from cut over the last 48 h, ndaily days
 * before; es__report_trend_bucket gives a time's bucket, or -1. */
void es__report_trend_layout(const struct es_report_opts *o, int64_t *cut, int64_t *ndaily, int64_t *nbuckets);
int64_t es__report_trend_bucket(const struct es_report_opts *o, int64_t t);
void es__report_tcube_add(json_t *tc, const struct es_report_opts *o, const char *brand, char kind, const char *name,
                          int64_t t, const char *label);

/* Shared WHERE clause of the mention queries: ?1 since, ?2 brand or NULL. */
#define ES_REPORT_MENTION_TIME "coalesce(created_at, received_at)"
/* The mentions the report counts: one row per earned brand of a mention
 * (the brand's own posts, owned mentions, are left out: docs/queries.md),
 * and once with its own brand column each mention without brand rows:
 * mentions of no brand, and rows another writer put in mentions alone.
 * The sql sink's schema 3. One pass over mentions with one primary-key
 * probe into mention_brands each (the UNION ALL of the brand rows and of
 * the mentions WHERE NOT EXISTS a brand row probed twice: 5.7 s against
 * 1.9 s on the bench's million mentions). */
#define ES_REPORT_MENTIONS                                                                              \
    " (SELECT CASE WHEN b.mention_id IS NULL THEN m.brand ELSE b.brand END AS brand, m.id, m.network,"   \
    " m.source, m.author, m.author_name, m.author_kind, m.lang, m.title, m.text, m.url, m.sentiment_label," \
    " m.likes, m.reposts, m.replies, m.quotes, m.followers, m.created_at, m.received_at"                 \
    " FROM mentions m LEFT JOIN mention_brands b ON b.mention_id = m.id"                                  \
    " WHERE b.mention_id IS NULL OR b.owned = 0) AS rm"
/* A mention's engagement: what its readers did with it (NULL counts 0). */
#define ES_REPORT_ENGAGEMENT \
    "(coalesce(likes, 0) + coalesce(reposts, 0) + coalesce(replies, 0) + coalesce(quotes, 0))"
#define ES_REPORT_MENTION_WHERE                                                     \
    " WHERE " ES_REPORT_MENTION_TIME " >= CAST(?1 AS BIGINT)"                       \
    " AND (CAST(?2 AS TEXT) IS NULL OR brand = CAST(?2 AS TEXT))"

/* ---- HTML and SVG output (html.c, svg.c, render.c, sections.c) ---------- */

/* Writes s HTML-escaped (& < > " '), invalid UTF-8 as U+FFFD, control
 * characters as spaces. When max_px > 0 the text is cut to fit about
 * max_px pixels at font_px and ends with an ellipsis; returns 1 if cut. */
int es__report_esc(FILE *f, const char *s, double max_px, double font_px);
/* Writes s escaped like es__report_esc (HTML only, not SVG) with <wbr>
 * break points after separators (_ . - @ /), before inner capitals and
 * every 14 characters, so a long handle wraps instead of overflowing or
 * breaking mid-word. 0. */
int es__report_esc_wrap(FILE *f, const char *s);
/* 1 when s is only emoji (and their joiners and selectors): a "word"
 * that says nothing as a term. */
int es__report_only_pictographs(const char *s);
/* Estimated rendered width of s in pixels at font_px (sans-serif). */
double es__report_text_px(const char *s, double font_px);
/* Writes s as an href when it is an http(s) URL; 0 when it is not (the
 * caller prints it as text). */
int es__report_href_ok(const char *s);
/* "2026-11-23" / "Nov 23" / "2026-11-23 14:05" (UTC). */
void es__report_fmt_day(int64_t day, char *buf, size_t n);
void es__report_fmt_day_short(int64_t day, char *buf, size_t n);
void es__report_fmt_time(int64_t t, char *buf, size_t n);
/* "45 s", "12 min", "3.5 h", "2.1 d". */
void es__report_fmt_duration(int64_t s, char *buf, size_t n);
/* A "nice" axis step (1, 2, 5 x 10^k) giving at most max_ticks ticks. */
double es__report_nice_step(double max, int max_ticks);

typedef struct es_report_page {
    const es_report_opts_t *opts;
    const char *db_label;
    json_t *model;       /* es__report_collect */
    json_t *recon;       /* es__state_reconcile, or NULL */
    const char *recon_error; /* why recon is NULL */
    json_t *fidx;        /* es__report_filters_index: {"brand", "topic", "network": {name: i}} */
} es_report_page_t;

/* ---- filters in the page (filters.c) ------------------------------------ */

/* Numbers every brand, topic and network of the model for the filters
 * (p->fidx, freed by the caller with json_decref). */
void es__report_filters_index(es_report_page_t *p);
/* The filter controls (radio buttons) and the CSS :has() rules that hide
 * what does not match: no script, so the page still opens offline under
 * its Content-Security-Policy. */
void es__report_filters_render(FILE *f, const es_report_page_t *p);
/* The number of a brand, topic or network (kind "brand", "topic",
 * "network") in the filters, or -1. */
int es__report_fidx(const es_report_page_t *p, const char *kind, const char *name);
/* Their <style> element, for the page's head. */
void es__report_filters_css(FILE *f, const es_report_page_t *p);
/* The attributes tagging an element for the filters: brand, topic and
 * network (NULL: none) and a time (< 0: none) for the date range. */
void es__report_fattrs(FILE *f, const es_report_page_t *p, const char *brand, const char *topic,
                      const char *network, int64_t t);

/* The cube as JSON for the script (numbers only, indices of p->fidx). */
/* The keys of obj in strcmp order (the page must not depend on the order
 * the database returned rows in); *n of them, pointing into obj. Free the
 * array; NULL with *n = 0 when out of memory. */
const char **es__report_sorted_keys(const json_t *obj, size_t *n);
void es__report_cube_json(FILE *f, const es_report_page_t *p);
/* The sections' cube as JSON (numbers only: indices of p->fidx and of
 * each brand's listed channels and languages). */
void es__report_xcube_json(FILE *f, const es_report_page_t *p);
/* The time cube as JSON (numbers only, indices of p->fidx). */
void es__report_tcube_json(FILE *f, const es_report_page_t *p);
/* The script that recomputes totals, shares and bar scales for the
 * chosen filters (script.c), with the cube as a JSON data block; and the
 * page's Content-Security-Policy, which allows exactly that script (by its
 * sha256) and nothing fetched (ES_REPORT_CSP_LEN bytes are enough). */
void es__report_script_render(FILE *f, const es_report_page_t *p);
#define ES_REPORT_CSP_LEN 200
void es__report_csp(char *buf, size_t len);

/* The sections (sections.c, accounts.c); each writes one <section>. */
void es__report_section_sentiment(FILE *f, const es_report_page_t *p);
void es__report_section_timeline(FILE *f, const es_report_page_t *p);
void es__report_section_channels(FILE *f, const es_report_page_t *p);
void es__report_section_issues(FILE *f, const es_report_page_t *p);
void es__report_section_responses(FILE *f, const es_report_page_t *p);
void es__report_section_accounts(FILE *f, const es_report_page_t *p);
void es__report_section_sov(FILE *f, const es_report_page_t *p);
void es__report_section_trend(FILE *f, const es_report_page_t *p);
void es__report_section_alerts(FILE *f, const es_report_page_t *p);
void es__report_section_topics(FILE *f, const es_report_page_t *p);
void es__report_section_people(FILE *f, const es_report_page_t *p);
void es__report_section_breakdown(FILE *f, const es_report_page_t *p);

/* The whole page. 0 or ES_EIO. */
int es__report_render(FILE *f, const es_report_page_t *p);

/* ---- one page from a database (page.c) and served live (live.c) --------- */

struct es_state;
typedef struct es_report_source {
    const char *dsn;        /* es__report_db_open */
    const char *state_dir;
    struct es_state *state; /* the state DB, or NULL: STATE_DIR/state.db opened read-only */
    void (*on_warning)(const char *state_dir); /* the state DB could not be read */
    const int *cancel;      /* when it turns non-zero, SQLite queries stop (ES_ECANCELED); or NULL */
} es_report_source_t;

/* Opens src's database read-only, collects and renders the page into
 * out. 0, or the error of es__report_db_open / es__report_collect /
 * es__report_render with a reason in err. */
int es__report_page_write(FILE *out, const es_report_source_t *src, const es_report_opts_t *o, char *err,
                         size_t errlen);

#endif
