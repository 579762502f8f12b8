/*
 * One parsed JSON value from a tweet file -> mentions. Knows the shapes the
 * issue names: account-archive elements ({"tweet": {...}}), API v1.1
 * statuses (twarc), API v2 responses ({"data": [...], "includes": {...}})
 * and flattened v2 tweets (author expanded into each tweet). No plugin
 * context: the caller supplies what to do with each mention or problem.
 */
#ifndef TW_TWEET_H
#define TW_TWEET_H

#include <earshot/plugin.h>
#include "tjson.h"

typedef struct tw_opts {
    const char *network;      /* mention network, e.g. "twitter" */
    const char *account;      /* archive owner's handle (archive tweets carry
                                 no author); may be NULL */
    const char *account_name; /* archive owner's display name; may be NULL */
    int retweets;             /* 0: retweets are counted, not emitted */
    const struct tw_notes *notes; /* the archive's note-tweet.js; may be NULL */
} tw_opts_t;

typedef struct tw_out {
    /* Called once per tweet; m and everything it points to live until the
     * call returns. */
    void (*emit)(void *arg, const es_mention_t *m);
    /* A problem with one tweet of the value (bad date, missing id...).
     * `dropped` says whether the tweet was skipped or kept. */
    void (*problem)(void *arg, const char *what, int dropped);
    /* Called once per tweet-level deletion notice (tweet.c lists the
     * shapes); id is the native tweet id. May be NULL. */
    void (*deletion)(void *arg, const char *network, const char *id, const char *action, int64_t at);
    void *arg;
    unsigned long long retweets_skipped;
    unsigned long long edits_skipped; /* earlier versions of edited tweets */
    unsigned long long deletes_seen;      /* tweet deletion notices, applied */
    unsigned long long deletes_noop;      /* notices that withdraw nothing kept */
    unsigned long long deletes_unapplied; /* account-level notices */
    /* TW_ONCE_* bits of the warnings already given for this file: a file
     * that lacks something lacks it in every tweet, and a thousand equal
     * lines would hide the rest of the log. The caller clears it when it
     * starts a file; later occurrences call problem with what = NULL, so
     * they are still counted. */
    unsigned once;
} tw_out_t;

enum {
    TW_ONCE_NO_AUTHOR = 1u << 0,  /* v2 without includes.users */
    TW_ONCE_NO_DATE = 1u << 1,    /* v2 without created_at */
    TW_ONCE_NOT_TWEETS = 1u << 2, /* v2 data that is users, counts, lists */
    TW_ONCE_NO_RT_TEXT = 1u << 3, /* v2 retweets without includes.tweets */
    TW_ONCE_DELETES = 1u << 4,    /* account-level compliance notices */
};

/* Maps v and calls out->emit per tweet. Returns the number of tweets
 * emitted, or ES_EPARSE (reported through out->problem) when v is not a
 * tweet in any known shape. */
int tw_map(const tj_t *v, const tw_opts_t *opts, tw_out_t *out);

/* The creation time a snowflake id carries (ids since November 2010),
 * in epoch seconds; 0 when id is not one. Exposed for tests. */
int64_t tw_snowflake_time(const char *id);

/* From an account.js element ({"account": {"username": ...}}): the handle
 * and display name, borrowed from v. 0 or ES_ENOENT. */
int tw_account(const tj_t *v, const char **username, const char **display_name);

/* text with each t.co link of `urls` (an entities.urls-style array of
 * {"url", "expanded_url"}) replaced by its target and character references
 * decoded. malloc'd; NULL on ENOMEM. Exposed for tests. */
char *tw_text_expand(const char *text, tj_t *const *url_arrays, size_t n_arrays);

#endif
