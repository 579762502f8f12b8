/*
 * Request bodies for the webhook sink, one per group of records: the
 * records' own JSON, a Slack incoming-webhook message, or a template.
 */
#ifndef ES_WEBHOOK_PAYLOAD_H
#define ES_WEBHOOK_PAYLOAD_H

#include <stddef.h>

#include <earshot/plugin.h>
#include "template.h"

typedef enum {
    ES_WH_JSON = 0,
    ES_WH_SLACK = 1,
    ES_WH_TEMPLATE = 2,
} es_wh_format_t;

/* Slack refuses messages over 50 blocks; a record takes at most 5. */
#define ES_WH_SLACK_MAX_RECORDS 10

/* Builds the body for recs[0..n). `single` (json and template) sends one
 * record as a bare object instead of a one-element array. Returns a malloc'd
 * NUL-terminated string and its length in *len, or NULL on ENOMEM or a
 * record that cannot be serialised. Loop thread (uses es_record_json). */
char *es_wh_payload(es_wh_format_t fmt, const es_wh_template_t *tpl,
                    const es_record_t *const *recs, size_t n, int single, size_t *len);

/* The Slack message for records already as JSON objects (exposed for
 * tests). New reference. */
json_t *es_wh_slack_message(json_t *const *records, size_t n);

#endif
