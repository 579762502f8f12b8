/*
 * One parsed JSON value from a tweet file -> mentions. Knows the shapes the
 * issue names: account-archive elements ({"tweet": {...}}), API v1.1
 * statuses (twarc), API v2 responses ({"data": [...], "includes": {...}})
 * and flattened v2 tweets (author expanded into each tweet). No plugin
 * context: the caller supplies what to do with each mention or problem.
 */
#ifndef TW_TWEET_H
#define TW_TWEET_H

#include "plugin.h"
#include "tjson.h"

typedef struct tw_opts {
    const char *network;      /* mention network, e.g. "twitter" */
    const char *account;      /* archive owner's handle (archive tweets carry
                                 no author); may be NULL */
    const char *account_name; /* archive owner's display name; may be NULL */
    int retweets;             /* 0: retweets are counted, not emitted */
} tw_opts_t;

typedef struct tw_out {
    /* Called once per tweet; m and everything it points to live until the
     * call returns. */
    void (*emit)(void *arg, const es_mention_t *m);
    /* A problem with one tweet of the value (bad date, missing id...).
     * `dropped` says whether the tweet was skipped or kept. */
    void (*problem)(void *arg, const char *what, int dropped);
    void *arg;
    unsigned long long retweets_skipped;
} tw_out_t;

/* Maps v and calls out->emit per tweet. Returns the number of tweets
 * emitted, or ES_EPARSE (reported through out->problem) when v is not a
 * tweet in any known shape. */
int tw_map(const tj_t *v, const tw_opts_t *opts, tw_out_t *out);

/* From an account.js element ({"account": {"username": ...}}): the handle
 * and display name, borrowed from v. 0 or ES_ENOENT. */
int tw_account(const tj_t *v, const char **username, const char **display_name);

/* text with each t.co link of `urls` (an entities.urls-style array of
 * {"url", "expanded_url"}) replaced by its target and character references
 * decoded. malloc'd; NULL on ENOMEM. Exposed for tests. */
char *tw_text_expand(const char *text, tj_t *const *url_arrays, size_t n_arrays);

#endif
