/*
 * What the email sink says: subject, plain text and HTML for one record
 * (mode = each) or for a digest of many, grouped by brand and label.
 */
#ifndef ES_EMAIL_COMPOSE_H
#define ES_EMAIL_COMPOSE_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

typedef struct es_mail_text {
    char *subject, *text, *html;
} es_mail_text_t;

void es_mail_text_free(es_mail_text_t *t);

/* One record (its JSON object). `prefix` starts the subject (may be "").
 * Returns 0 or -1 on ENOMEM. */
int es_mail_compose_one(const json_t *rec, const char *prefix, es_mail_text_t *out);

/* A digest of recs[0..n): counts by kind, brand and label at the top, then
 * records grouped by brand and label, at most `max` listed, then "and N
 * more". `from`/`to` bound the period shown (0: not shown). */
int es_mail_compose_digest(json_t *const *recs, size_t n, size_t max, const char *prefix,
                           const char *sink_name, time_t from, time_t to, es_mail_text_t *out);

#endif
