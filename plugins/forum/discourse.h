/*
 * Discourse: the site-wide latest posts, GET <base>/posts.json, newest
 * first, 50 a page; ?before=<post id> gives the page of older posts.
 */
#ifndef EARSHOT_FORUM_DISCOURSE_H
#define EARSHOT_FORUM_DISCOURSE_H

#include "item.h"

/* The URL of a page: base + "/posts.json", and "?before=CURSOR" when cursor
 * is not NULL. Malloc'd; NULL on ENOMEM. */
char *es_discourse_page_url(const char *base, const char *cursor);

/* Maps one /posts.json body. Posts without an id are skipped, missing or
 * unreadable fields leave the mention field empty; each is reported through
 * warn. Returns 0, ES_EPARSE (not JSON, or no "latest_posts" array; err
 * says why) or ES_ENOMEM. */
int es_discourse_parse(const char *body, size_t len, const char *base, const char *network,
                       es_forum_page_t *page, es_forum_warn_fn warn, void *warn_arg, char *err,
                       size_t errlen);

#endif
