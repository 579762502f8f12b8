/*
 * Spike detector units: tail probabilities, the word split, spike.* config
 * errors with file:line, bucket closing by mention time with grace, late
 * mentions, the exact alert and ended records, warmup, share jump, volume
 * surges, live ticks versus replays, ignored mentions, and persistence
 * (open buckets across a restart, unreadable rows, a changed bucket length,
 * and state DBs whose spike tables an older earshot made, before they were
 * in the migrations).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "spike/internal.h"
#include "spike/spike.h"
#include "state.h"
#include "tap.h"

static char dir[] = "/tmp/spike_unit.XXXXXX";
static char conf_path[300], db_path[300];

#define T0 1767571200 /* Monday 2026-01-05 00:00 UTC */
#define B 300

typedef struct sink {
    json_t *alerts;
} sink_t;

static void on_alert(void *ud, json_t *a)
{
    sink_t *s = ud;
    json_array_append_new(s->alerts, a);
}

static es_config_t *load(const char *extra, es_diag_t *d)
{
    FILE *f = fopen(conf_path, "w");
    fprintf(f, "[earshot]\nstate_dir = %s\n%s", dir, extra);
    fclose(f);
    es_config_t *cfg = NULL;
    es__config_load(conf_path, &cfg, d);
    return cfg;
}

typedef struct det {
    es_config_t *cfg;
    es_state_t *st; /* the state DB, opened (and migrated) as the agent does */
    es_spike_t *sp;
    sink_t sink;
    int n; /* mentions made, for ids and URLs */
} det_t;

static int det_open(det_t *d, const char *extra)
{
    es_diag_t dg = {0};
    memset(d, 0, sizeof *d);
    d->sink.alerts = json_array();
    d->cfg = load(extra, &dg);
    for (size_t i = 0; i < dg.count; i++)
        diag("config: %s", dg.msgs[i]);
    int bad = (int)dg.count;
    es__diag_free(&dg);
    char err[512];
    if (bad || es__state_open(dir, &d->st, err, sizeof err) < 0)
        return -1;
    int rc = es__spike_new(d->cfg, d->st, on_alert, &d->sink, &d->sp, &dg);
    for (size_t i = 0; i < dg.count; i++)
        diag("spike: %s", dg.msgs[i]);
    es__diag_free(&dg);
    return rc;
}

static void det_close(det_t *d)
{
    es__spike_free(d->sp);
    es__state_close(d->st);
    es__config_free(d->cfg);
    json_decref(d->sink.alerts);
    memset(d, 0, sizeof *d);
}

static void wipe_db(void)
{
    char p[320];
    unlink(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    unlink(p);
}

static void say(det_t *d, int64_t t, int neg, const char *text, const char *owner)
{
    char url[64];
    snprintf(url, sizeof url, "https://x.example/%d", ++d->n);
    es_rec_t r;
    memset(&r, 0, sizeof r);
    r.m.id = "t:1";
    r.m.network = "twitter";
    r.m.brand = "acme";
    r.m.owner = owner;
    r.m.url = url;
    r.m.text = text;
    r.m.created_at = t;
    r.m.sentiment.label = neg ? "negative" : "neutral";
    es__spike_observe(d->sp, &r);
}

/* Buckets [from, to) of steady traffic: 2 negative and 20 other mentions. */
static void steady(det_t *d, int from, int to, int neg, int other, const char *owner)
{
    for (int k = from; k < to; k++)
        for (int j = 0; j < neg + other; j++)
            say(d, T0 + (int64_t)k * B + j * (B / (neg + other)), j < neg, j < neg ? "@acme the delivery is slow" : "ok",
                owner);
}

static const char *ev(const det_t *d, size_t i)
{
    return json_string_value(json_object_get(json_array_get(d->sink.alerts, i), "event"));
}

static json_int_t geti(const det_t *d, size_t i, const char *k)
{
    return json_integer_value(json_object_get(json_array_get(d->sink.alerts, i), k));
}

#define SPIKE_TEXT "@acme encore une panne, le login est impossible https://t.co/abc"

/* 8 hours of steady traffic (96 buckets), then bucket 96 with 40
 * negatives; returns after the mention that closes bucket 96. */
static void scenario_tail(det_t *d, const char *owner, int check_timing)
{
    int64_t s = T0 + 96 * B;
    for (int j = 0; j < 60; j++)
        say(d, s + j * 4, j < 40, j < 40 ? SPIKE_TEXT : "ok", owner);
    say(d, s + 2 * B - 1, 0, "ok", owner); /* bucket 97, end of 96's grace - 1 s */
    if (check_timing)
        is_int(json_array_size(d->sink.alerts), 0, "no alert while bucket 96 is open (grace)");
    say(d, s + 250, 1, SPIKE_TEXT, owner); /* late, within the grace period */
    say(d, s + 2 * B, 0, "ok", owner);     /* the grace has passed: bucket 96 closes */
}

static void scenario(det_t *d, const char *owner, int check_timing)
{
    steady(d, 0, 96, 2, 20, owner);
    scenario_tail(d, owner, check_timing);
}

static void scenario_spike(det_t *d)
{
    scenario_tail(d, NULL, 0);
}

static void t_tail(void)
{
    ok(fabs(es__spike_tail(3, 1, 1) - 0.0803013970713942) < 1e-12, "Poisson P(X>=3 | 1)");
    ok(fabs(es__spike_tail(10, 2, 1) / 4.649807501726388e-05 - 1) < 1e-9, "Poisson P(X>=10 | 2)");
    ok(fabs(es__spike_tail(60, 5, 1) / 7.64961008114913e-43 - 1) < 1e-9, "Poisson far tail keeps its precision");
    ok(fabs(es__spike_tail(12, 4, 2) - 0.017578125) < 1e-12, "negative binomial P(X>=12 | mean 4, var 8)");
    ok(fabs(es__spike_tail(40, 4, 2) / 1.510670699644856e-09 - 1) < 1e-9, "negative binomial far tail");
    ok(fabs(es__spike_tail(2, 5, 1) - 0.9595723180054871) < 1e-12, "tail below the mean (1 - CDF)");
    ok(fabs(es__spike_tail(3, 4, 2) - 0.65625) < 1e-12, "NB tail below the mean");
    ok(es__spike_tail(0, 3, 1) == 1 && es__spike_tail(1, 0, 1) == 0, "x = 0 is certain; nothing expected, one seen: 0");
}

static void t_binom(void)
{
    ok(fabs(es__spike_binom_tail(8, 12, 0.02) / 1.1794916679680001e-11 - 1) < 1e-9, "binomial P(X>=8 | 12, 0.02)");
    ok(fabs(es__spike_binom_tail(3, 10, 0.3) - 0.6172172135999995) < 1e-12, "binomial tail below the mean (1 - CDF)");
    ok(fabs(es__spike_binom_tail(30, 40, 0.5) / 0.0011107168866146822 - 1) < 1e-9, "binomial P(X>=30 | 40, 0.5)");
    ok(fabs(es__spike_binom_tail(1, 5, 0.1) - 0.40951) < 1e-12, "binomial P(X>=1 | 5, 0.1)");
    ok(fabs(es__spike_binom_tail(200, 400, 0.1) / 8.164977150409957e-91 - 1) < 1e-9, "binomial far tail keeps its precision");
    ok(es__spike_binom_tail(0, 5, 0.1) == 1 && es__spike_binom_tail(6, 5, 0.1) == 0 && es__spike_binom_tail(1, 5, 0) == 0 &&
           es__spike_binom_tail(5, 5, 1) == 1,
       "edges: c = 0, c > n, q = 0, q = 1");
}

static void t_words(void)
{
    es_spike_map_t stop = {0};
    is_int(es__spike_stopwords_load(&stop), 0, "stop words load");
    char w[ES_SPIKE_MAX_WORDS][ES_SPIKE_WORD_MAX];
    size_t n = es__spike_words(&stop,
                              "@acme L'application est VRAIMENT nulle!!! https://t.co/x #Panne the refund didn't "
                              "arrive, qu'ils remboursent 2026 acme’s refund",
                              w);
    char joined[512] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s", i ? "|" : "", w[i]);
    is_str(joined, "application|nulle|panne|refund|arrive|remboursent|acme",
           "words: lower case, no handle, URL, number, elision, possessive, duplicate or stop word (en, fr)");
    n = es__spike_words(&stop, "le la les the and est pas vraiment not", w);
    is_int(n, 0, "a text of stop words has no words");
    /* Hostile text: a megabyte of arbitrary bytes (invalid UTF-8, no
     * spaces for long stretches) is split safely and bounded. */
    size_t big = 1 << 20;
    char *junk = malloc(big + 1);
    uint32_t x = 12345;
    for (size_t i = 0; i < big; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(1 + (x >> 16) % 255);
    }
    junk[big] = '\0';
    n = es__spike_words(&stop, junk, w);
    int bounded = n <= ES_SPIKE_MAX_WORDS;
    for (size_t i = 0; i < n; i++)
        bounded &= strlen(w[i]) >= 3 && strlen(w[i]) < ES_SPIKE_WORD_MAX;
    ok(bounded && n > 0, "a megabyte of random bytes: %zu words, each 3..31 bytes", n);
    memset(junk, 'a', big);
    is_int(es__spike_words(&stop, junk, w), 0, "one megabyte-long word is no word");
    free(junk);
    es__spike_map_free(&stop);
}

static void t_config(void)
{
    es_diag_t d = {0};
    es_config_t *cfg = load("spike.p = 2\nspike.by = brand, team\nspike.bucket = 30s\nspike.min_count = lots\n"
                            "spike.cooldown = 1m\n",
                            &d);
    char want[5][400];
    snprintf(want[0], 400, "%s:3: spike.p: must be between 0 and 1 (exclusive)", conf_path);
    snprintf(want[1], 400, "%s:4: spike.by: unknown series 'team' (expected brand, owner, network or topic)", conf_path);
    snprintf(want[2], 400, "%s:5: spike.bucket: must be whole seconds between 1m and 1d", conf_path);
    snprintf(want[3], 400, "%s:6: spike.min_count: ", conf_path);
    int found[4] = {0};
    for (size_t i = 0; i < d.count; i++)
        for (int k = 0; k < 4; k++)
            if (!strncmp(d.msgs[i], want[k], strlen(want[k])))
                found[k]++;
    is_int(found[0], 1, "spike.p out of range reported with file:line");
    is_int(found[1], 1, "unknown spike.by series reported with file:line");
    is_int(found[2], 1, "spike.bucket below 1m reported with file:line");
    is_int(found[3], 1, "spike.min_count not an integer reported with file:line");
    es__diag_free(&d);
    es__config_free(cfg);

    cfg = load("spike.by = owner, network\nspike.bucket = 10m\nspike.grace = 2m\n", &d);
    is_int(d.count, 0, "valid spike keys accepted");
    ok(cfg->spike_by_owner && cfg->spike_by_network && cfg->spike_bucket_ms == 600000 && cfg->spike_grace_ms == 120000 &&
           cfg->spike_warmup_ms == 86400000 && cfg->spike_cooldown_ms == 3600000 && cfg->spike_min_count == 5 &&
           cfg->spike_enabled && cfg->spike_early,
       "parsed values and defaults (warmup 1d, cooldown 1h, min_count 5, enabled, early)");
    cfg->spike_p = 0;
    es_spike_t *sp = NULL;
    sink_t s = {0};
    is_int(es__spike_new(cfg, NULL, on_alert, &s, &sp, &d), ES_ECONFIG, "es__spike_new refuses a bad value");
    ok(d.count == 1 && strstr(d.msgs[0], "spike.p: must be between 0 and 1") && strstr(d.msgs[0], conf_path),
       "and names the key and the config file");
    ok(sp == NULL, "no detector on error");
    es__diag_free(&d);
    es__config_free(cfg);
}

static void t_alert(void)
{
    det_t d;
    wipe_db();
    is_int(det_open(&d, "spike.warmup = 1h\nspike.cooldown = 30m\nspike.early = false\n"), 0, "detector on a new DB");
    scenario(&d, NULL, 1);
    is_int(json_array_size(d.sink.alerts), 1, "one alert once the clock passes the bucket's end + grace");
    json_t *a = json_array_get(d.sink.alerts, 0);
    is_str(ev(&d, 0), "spike_began", "event spike_began");
    is_str(json_string_value(json_object_get(a, "series")), "acme", "series of the brand");
    is_int(geti(&d, 0, "bucket_start"), T0 + 96 * B, "bucket_start");
    is_int(geti(&d, 0, "bucket_end"), T0 + 97 * B, "bucket_end");
    is_str(json_string_value(json_object_get(a, "bucket_start_utc")), "2026-01-05T08:00:00Z", "bucket_start_utc");
    is_int(geti(&d, 0, "count"), 41, "count includes the late mention within grace");
    is_int(geti(&d, 0, "total"), 61, "total");
    ok(fabs(json_number_value(json_object_get(a, "expected")) - 2) < 0.01, "expected 2 (the steady level)");
    ok(fabs(json_real_value(json_object_get(a, "share")) - 0.672) < 1e-9, "share 41/61");
    is_str(json_string_value(json_object_get(a, "baseline")), "level", "level baseline before a day of history");
    ok(json_real_value(json_object_get(a, "p_value")) < 1e-20, "p-value tiny");
    char *terms = json_dumps(json_object_get(a, "terms"), JSON_COMPACT);
    is_str(terms,
           "[{\"term\":\"impossible\",\"count\":41,\"lift\":100.0},{\"term\":\"login\",\"count\":41,\"lift\":100.0},"
           "{\"term\":\"panne\",\"count\":41,\"lift\":100.0}]",
           "terms: the new words, stop words and the usual complaint left out");
    free(terms);
    char *urls = json_dumps(json_object_get(a, "urls"), JSON_COMPACT);
    is_str(urls, "[\"https://x.example/2113\",\"https://x.example/2114\",\"https://x.example/2115\"]",
           "the first three URLs of the bucket's negative mentions");
    free(urls);
    is_str(json_string_value(json_object_get(a, "id")), "spike:acme:1767600000:began", "stable id");

    say(&d, T0 + 96 * B + 100, 1, SPIKE_TEXT, NULL);
    es_spike_stats_t st;
    es__spike_get_stats(d.sp, &st);
    is_int(st.late, 1, "a mention for a closed bucket is counted as late, not lost silently");
    steady(&d, 98, 106, 2, 20, NULL);
    is_int(json_array_size(d.sink.alerts), 2, "spike_ended after the cooldown");
    is_str(ev(&d, 1), "spike_ended", "event spike_ended");
    is_int(geti(&d, 1, "bucket_start"), T0 + 102 * B, "ended in the first bucket a cooldown after the last alerting one");
    is_int(geti(&d, 1, "episode_start"), T0 + 96 * B, "episode_start");
    is_int(geti(&d, 1, "episode_end"), T0 + 97 * B, "episode_end");
    ok(geti(&d, 1, "buckets") == 1 && geti(&d, 1, "count") == 41 && geti(&d, 1, "peak_count") == 41,
       "episode summary: 1 bucket, 41 negatives, peak 41");
    det_close(&d);

    wipe_db();
    det_open(&d, "spike.warmup = 1d\n");
    scenario(&d, NULL, 0);
    is_int(json_array_size(d.sink.alerts), 0, "quiet during warmup");
    det_close(&d);

    /* Early: from the middle of the bucket on, improbable negatives alert
     * at once, without waiting for the end + grace. */
    wipe_db();
    det_open(&d, "spike.warmup = 1h\n");
    steady(&d, 0, 96, 2, 20, NULL);
    for (int j = 0; j < 38; j++)
        say(&d, T0 + 96 * B + j * 4, 1, SPIKE_TEXT, NULL);
    is_int(json_array_size(d.sink.alerts), 0, "early: nothing in the first half of the bucket");
    say(&d, T0 + 96 * B + 152, 1, SPIKE_TEXT, NULL);
    ok(json_array_size(d.sink.alerts) == 1 && geti(&d, 0, "count") == 39 && geti(&d, 0, "detected_at") == T0 + 96 * B + 152 &&
           json_is_true(json_object_get(json_array_get(d.sink.alerts, 0), "partial")) &&
           geti(&d, 0, "bucket_start") == T0 + 96 * B,
       "early: alert at the 39th negative, half way through the bucket, marked partial");
    steady(&d, 97, 112, 2, 20, NULL);
    ok(json_array_size(d.sink.alerts) == 2 && !strcmp(ev(&d, 1), "spike_ended") && geti(&d, 1, "count") == 39 &&
           geti(&d, 1, "buckets") == 1,
       "early: the episode counts the bucket once and ends after the cooldown");
    det_close(&d);

    wipe_db();
    det_open(&d, "spike.warmup = 1h\nspike.share_jump = 0.6\nspike.early = false\n");
    scenario(&d, NULL, 0);
    is_int(json_array_size(d.sink.alerts), 0, "share jump required: 0.67 < 0.09 + 0.6, no alert");
    det_close(&d);
    wipe_db();
    det_open(&d, "spike.warmup = 1h\nspike.share_jump = 0.5\nspike.early = false\n");
    scenario(&d, NULL, 0);
    is_int(json_array_size(d.sink.alerts), 1, "share jump met: 0.67 >= 0.09 + 0.5, alert");
    det_close(&d);

    wipe_db();
    det_open(&d, "spike.warmup = 1h\nspike.by = owner\nspike.early = false\n");
    scenario(&d, "care", 0);
    ok(json_array_size(d.sink.alerts) == 2 &&
           !strcmp(json_string_value(json_object_get(json_array_get(d.sink.alerts, 0), "series")), "acme owner=care") &&
           !strcmp(json_string_value(json_object_get(json_array_get(d.sink.alerts, 0), "owner")), "care") &&
           !strcmp(json_string_value(json_object_get(json_array_get(d.sink.alerts, 1), "series")), "acme"),
       "spike.by = owner: the team's series alerts too, with an owner field for routing");
    det_close(&d);

    /* Ten times the usual volume at the usual share is not a negative spike
     * (early checks included: by mid-bucket the other mentions show it). */
    wipe_db();
    det_open(&d, "spike.warmup = 1h\n");
    steady(&d, 0, 96, 2, 20, NULL);
    steady(&d, 96, 97, 20, 200, NULL);
    steady(&d, 97, 100, 2, 20, NULL);
    is_int(json_array_size(d.sink.alerts), 0, "a volume surge with the usual negative share does not alert");
    det_close(&d);
}

static void t_clock(void)
{
    det_t d;
    wipe_db();
    det_open(&d, "");
    int64_t now = (int64_t)time(NULL);
    say(&d, T0, 1, "old", NULL);
    es__spike_tick(d.sp, now);
    is_int(es__spike_clock(d.sp), T0, "replay of old mentions: wall ticks do not move the clock");
    det_close(&d);

    wipe_db();
    det_open(&d, "");
    say(&d, now - 20, 1, "fresh", NULL);
    es__spike_tick(d.sp, now);
    es_spike_stats_t st0, st1;
    es__spike_get_stats(d.sp, &st0);
    es__spike_tick(d.sp, now + 3600);
    es__spike_get_stats(d.sp, &st1);
    is_int(es__spike_clock(d.sp), now + 3600, "live stream: wall ticks drive the clock");
    ok(st1.buckets - st0.buckets >= 11 && st1.buckets - st0.buckets <= 13, "an hour of ticks closed 12 buckets (%llu)",
       (unsigned long long)(st1.buckets - st0.buckets));
    es_rec_t r;
    memset(&r, 0, sizeof r);
    r.m.text = "x";
    r.m.created_at = now;
    es__spike_observe(d.sp, &r); /* no brand */
    r.m.brand = "acme";
    r.m.created_at = 0;
    es__spike_observe(d.sp, &r); /* no date */
    r.m.created_at = now + 7200;
    es__spike_observe(d.sp, &r); /* in the future */
    es__spike_get_stats(d.sp, &st1);
    is_int(st1.ignored, 3, "no brand, no date and future dates are ignored");
    is_int(es__spike_clock(d.sp), now + 3600, "a future date does not move the clock");
    det_close(&d);

    wipe_db();
    det_open(&d, "");
    say(&d, now - 20, 1, "fresh", NULL);
    is_int(es__spike_flush(d.sp), 0, "flush of a live stream");
    ok(es__spike_clock(d.sp) >= now, "it closed buckets by the wall clock, as a tick would");
    det_close(&d);
}

/* What the state DB holds, seen by a second connection as any reader would. */
static int64_t count_rows(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q;
    int64_t n = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW)
            n = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return n;
}

static void t_persist(void)
{
    det_t d;
    wipe_db();
    det_open(&d, "spike.warmup = 1h\n");
    steady(&d, 0, 96, 2, 20, NULL);
    for (int j = 0; j < 20; j++)
        say(&d, T0 + 96 * B + j, 1, SPIKE_TEXT, NULL);
    is_int(es__spike_flush(d.sp), 0, "flush");
    is_int(count_rows("SELECT count(*) FROM spike_series"), 1, "one series row");
    is_int(count_rows("SELECT value FROM spike_meta WHERE key = 'bucket'"), 300, "bucket length saved");
    det_close(&d);

    det_open(&d, "spike.warmup = 1h\n");
    is_int(es__spike_clock(d.sp), T0 + 96 * B + 19, "clock restored");
    for (int j = 20; j < 40; j++)
        say(&d, T0 + 96 * B + j, 1, SPIKE_TEXT, NULL);
    say(&d, T0 + 98 * B, 0, "ok", NULL);
    ok(json_array_size(d.sink.alerts) == 1 && geti(&d, 0, "count") == 40,
       "the open bucket's 20 negatives survived the restart (count 40)");
    es__spike_flush(d.sp);
    det_close(&d);

    sqlite3 *db;
    sqlite3_open(db_path, &db);
    sqlite3_exec(db, "UPDATE spike_series SET state = 'not json'", NULL, NULL, NULL);
    sqlite3_close(db);
    is_int(det_open(&d, "spike.warmup = 1h\n"), 0, "an unreadable baseline row does not stop the detector");
    say(&d, T0 + 98 * B + 10, 1, SPIKE_TEXT, NULL);
    es_spike_stats_t st;
    es__spike_get_stats(d.sp, &st);
    ok(st.series == 1 && st.observed == 1, "its series starts over and counts");
    det_close(&d);

    wipe_db();
    is_int(det_open(&d, "spike.enabled = false\nspike.warmup = 1h\n"), 0, "spike.enabled = false");
    scenario(&d, NULL, 0);
    is_int(es__spike_flush(d.sp), 0, "flush of a disabled detector");
    ok(json_array_size(d.sink.alerts) == 0 &&
           count_rows("SELECT (SELECT count(*) FROM spike_series) + (SELECT count(*) FROM spike_meta)") == 0,
       "disabled: no alert, no row");
    det_close(&d);
    wipe_db();
    det_open(&d, "spike.warmup = 1h\n");
    steady(&d, 0, 2, 2, 20, NULL);
    es__spike_flush(d.sp);
    det_close(&d);

    /* A state DB that refuses writes: logged and counted, detection goes on. */
    {
        es_diag_t dg = {0};
        det_t r;
        memset(&r, 0, sizeof r);
        r.sink.alerts = json_array();
        r.cfg = load("spike.warmup = 1h\n", &dg);
        char err[512];
        if (es__state_open_readonly(dir, &r.st, err, sizeof err) < 0)
            diag("%s", err);
        is_int(es__spike_new(r.cfg, r.st, on_alert, &r.sink, &r.sp, &dg), 0, "detector on a read-only state DB");
        steady(&r, 2, 96, 2, 20, NULL);
        scenario_spike(&r);
        is_int(es__spike_flush(r.sp), ES_EDB, "flush reports the DB error");
        es_spike_stats_t st;
        es__spike_get_stats(r.sp, &st);
        ok(st.db_errors >= 2 && json_array_size(r.sink.alerts) == 1, "save failures counted (%llu), the alert still sent",
           (unsigned long long)st.db_errors);
        es__diag_free(&dg);
        det_close(&r);
    }

    is_int(det_open(&d, "spike.bucket = 10m\n"), 0, "a changed spike.bucket starts over");
    is_int(count_rows("SELECT count(*) FROM spike_series"), 0, "old baselines dropped");
    is_int(es__spike_clock(d.sp), 0, "and the old clock");
    det_close(&d);
}

static int sql_run(const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(db_path, &db) == SQLITE_OK ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_ERROR;
    sqlite3_close(db);
    return rc == SQLITE_OK;
}

/* Before migration 6 the detector made its tables on first use, and the
 * topic column came later still: schema 5 with the tables in either shape,
 * or without them, must migrate and keep what the detector had saved. */
static void t_upgrade(void)
{
    det_t d;
    wipe_db();
    det_open(&d, "spike.warmup = 1h\n");
    steady(&d, 0, 4, 2, 20, NULL);
    is_int(es__spike_flush(d.sp), 0, "a detector saved on the current schema");
    int64_t clock = es__spike_clock(d.sp);
    det_close(&d);

    ok(sql_run("CREATE TABLE old_series (key TEXT PRIMARY KEY, brand TEXT NOT NULL, owner TEXT, network TEXT,"
               " state TEXT NOT NULL, updated_at INTEGER NOT NULL);"
               "INSERT INTO old_series SELECT key, brand, owner, network, state, updated_at FROM spike_series;"
               "DROP TABLE spike_series; ALTER TABLE old_series RENAME TO spike_series;"
               "PRAGMA user_version = 5;"),
       "made schema 5 with spike tables from before topic series");
    es_state_t *ro = NULL;
    char err[512] = "";
    is_int(es__state_open_readonly(dir, &ro, err, sizeof err), ES_EDB, "a read-only open refuses schema 5");
    ok(ro == NULL && strstr(err, "schema version 5"), "saying which schema it found (%s)", err);
    es__state_close(ro);
    is_int(count_rows("PRAGMA user_version"), 5, "and does not migrate it");
    is_int(det_open(&d, "spike.warmup = 1h\n"), 0, "the detector starts on it");
    is_int(count_rows("PRAGMA user_version"), 6, "it was migrated to schema 6");
    is_int(count_rows("SELECT count(*) FROM spike_series WHERE topic IS NULL"), 1,
           "its series row kept, with a topic column added");
    is_int(es__spike_clock(d.sp), clock, "the detector's clock survived the upgrade");
    steady(&d, 4, 6, 2, 20, NULL);
    is_int(es__spike_flush(d.sp), 0, "and it saves again");
    det_close(&d);

    ok(sql_run("PRAGMA user_version = 5;"), "schema 5 with spike tables that have the topic column");
    is_int(det_open(&d, "spike.warmup = 1h\n"), 0, "the detector starts on it");
    is_int(count_rows("PRAGMA user_version"), 6, "migrated to schema 6");
    is_int(count_rows("SELECT count(*) FROM spike_series"), 1, "its series row kept");
    ok(es__spike_clock(d.sp) > clock, "with the clock saved last (%lld)", (long long)es__spike_clock(d.sp));
    det_close(&d);

    ok(sql_run("DROP TABLE spike_series; DROP TABLE spike_meta; PRAGMA user_version = 5;"),
       "schema 5 of an earshot that never ran the detector");
    is_int(det_open(&d, "spike.warmup = 1h\n"), 0, "the detector starts on it");
    is_int(count_rows("SELECT count(*) FROM spike_series") + count_rows("SELECT count(*) FROM spike_meta"), 0,
           "the migration made both tables, empty");
    is_int(es__spike_clock(d.sp), 0, "a first start");
    steady(&d, 0, 2, 2, 20, NULL);
    is_int(es__spike_flush(d.sp), 0, "it saves");
    is_int(count_rows("SELECT count(*) FROM spike_series"), 1, "one series row");
    det_close(&d);
}

/* A spike too small to show in any one bucket (8 negatives where 2 are
 * usual: p = 0.001 each, against a threshold of 3.5e-6) but plain over
 * several: the window tests sum the buckets and alert on the third, when
 * 24 against about 7 is improbable enough; two (16 against 4.3) are not. */
static void t_window(void)
{
    det_t d;
    wipe_db();
    is_int(det_open(&d, "spike.warmup = 1h\nspike.early = false\n"), 0, "detector on a new DB");
    steady(&d, 0, 96, 2, 20, NULL);
    steady(&d, 96, 98, 8, 20, NULL);
    steady(&d, 98, 100, 2, 20, NULL); /* closes 97 (grace: one bucket) */
    is_int(json_array_size(d.sink.alerts), 0, "two buckets of 8 against 2: no alert");
    det_close(&d);

    wipe_db();
    det_open(&d, "spike.warmup = 1h\nspike.early = false\n");
    steady(&d, 0, 96, 2, 20, NULL);
    steady(&d, 96, 99, 8, 20, NULL);
    steady(&d, 99, 101, 2, 20, NULL); /* closes 98 and 99 */
    is_int(json_array_size(d.sink.alerts), 1, "three buckets of 8 against 2: one alert");
    is_str(ev(&d, 0), "spike_began", "spike_began");
    is_int(geti(&d, 0, "bucket_start"), T0 + 98 * B, "raised in the third bucket");
    is_int(geti(&d, 0, "window_buckets"), 3, "by the three-bucket window");
    ok(json_real_value(json_object_get(json_array_get(d.sink.alerts, 0), "p_value")) < 3.5e-6,
       "its p-value is under spike.p spread over a day's buckets");
    det_close(&d);
}

/* Buckets [from, to): n_topic negatives saying text, n_usual the usual
 * complaint, other neutral mentions. */
static void burst(det_t *d, int from, int to, int n_topic, int n_usual, int other, const char *text)
{
    int all = n_topic + n_usual + other;
    for (int k = from; k < to; k++)
        for (int j = 0; j < all; j++)
            say(d, T0 + (int64_t)k * B + j * (B / all), j < n_topic + n_usual,
                j < n_topic ? text : j < n_topic + n_usual ? "@acme the delivery is slow" : "ok", NULL);
}

#define TOPIC_TEXT "@acme outage, outage"

#define TOPIC_CONF "spike.warmup = 1h\nspike.early = false\n"

/* A fresh detector: 96 buckets with `base` negatives (the usual
 * complaint) and 20 other mentions, then buckets 96 and 97 with n_topic
 * negatives saying TOPIC_TEXT and n_usual the usual one, then 98 and 99
 * as before (closing 97). The caller checks d->sink.alerts and closes. */
static void topic_run(det_t *d, const char *extra, int base, int n_topic, int n_usual)
{
    char conf[256];
    snprintf(conf, sizeof conf, "%s%s", TOPIC_CONF, extra);
    wipe_db();
    is_int(det_open(d, conf), 0, "detector on a new DB");
    steady(d, 0, 96, base, 20, NULL);
    burst(d, 96, 98, n_topic, n_usual, 20, TOPIC_TEXT);
    steady(d, 98, 100, base, 20, NULL);
}

static void t_topic(void)
{
    det_t d;
    /* Two buckets of 6 negatives against 2 (12 against 4: p 9e-4, far
     * above the 3.5e-6 a count needs), 8 of the 12 about one new word. */
    topic_run(&d, "", 2, 4, 2);
    is_int(json_array_size(d.sink.alerts), 1, "negatives up 3x, two thirds about one word: one alert");
    json_t *a = json_array_get(d.sink.alerts, 0);
    is_str(json_string_value(json_object_get(a, "signal")), "topic", "raised by the topic test");
    is_int(geti(&d, 0, "bucket_start"), T0 + 97 * B, "in the second bucket (the first alone is not enough)");
    is_int(geti(&d, 0, "window_buckets"), 2, "over the two-bucket window");
    json_t *t = json_object_get(a, "topic");
    is_str(json_string_value(json_object_get(t, "term")), "outage", "topic.term");
    is_int(json_integer_value(json_object_get(t, "count")), 8, "topic.count: 8 mentions use it");
    is_int(json_integer_value(json_object_get(t, "window_count")), 12, "topic.window_count: of 12 negatives");
    double cp = json_real_value(json_object_get(t, "count_p_value")), p = json_real_value(json_object_get(a, "p_value"));
    ok(cp > 3.5e-6 && cp < 0.05, "the count alone (p %.3g) would not alert", cp);
    ok(p < 3.5e-6, "the topic p-value %.3g is under spike.p spread over a day's buckets", p);
    det_close(&d);

    topic_run(&d, "", 2, 0, 6);
    is_int(json_array_size(d.sink.alerts), 0, "the same counts about the usual complaint: no alert");
    det_close(&d);

    topic_run(&d, "", 6, 6, 0);
    is_int(json_array_size(d.sink.alerts), 0, "every complaint about one word, but no more complaints than usual: no alert");
    det_close(&d);

    topic_run(&d, "spike.topic = false\n", 2, 4, 2);
    is_int(json_array_size(d.sink.alerts), 0, "spike.topic = false: the count test alone, no alert");
    det_close(&d);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(conf_path, sizeof conf_path, "%s/earshot.conf", dir);
    snprintf(db_path, sizeof db_path, "%s/state.db", dir);
    t_tail();
    t_binom();
    t_words();
    t_config();
    t_alert();
    t_window();
    t_topic();
    t_clock();
    t_persist();
    t_upgrade();
    wipe_db();
    unlink(conf_path);
    rmdir(dir);
    return done_testing();
}
