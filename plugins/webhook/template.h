/*
 * Payload templates: a JSON document whose string values may hold
 * {{field}} placeholders, filled from a record. The result is built with
 * jansson, so record text is always JSON-escaped, never spliced as text.
 */
#ifndef ES_WEBHOOK_TEMPLATE_H
#define ES_WEBHOOK_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

typedef struct es_wh_template es_wh_template_t;

/* Reads and checks a template file. On error returns NULL and writes a
 * message naming the file (and line/column for JSON errors) into err. */
es_wh_template_t *es_wh_template_load(const char *path, char *err, size_t err_len);
/* Same from text already in memory; `name` is used in messages. */
es_wh_template_t *es_wh_template_parse(const char *text, const char *name, char *err,
                                       size_t err_len);
void es_wh_template_free(es_wh_template_t *t);

/* The template filled from `record` (the record's JSON object). A string
 * that is exactly one placeholder takes the field's JSON value (number,
 * array, object, null); placeholders inside longer strings take the
 * field's text (numbers printed, null and missing fields empty, arrays and
 * objects as compact JSON). Fields are dotted paths ("sentiment.label");
 * {{record}} is the whole record. New reference, NULL on ENOMEM. */
json_t *es_wh_template_render(const es_wh_template_t *t, const json_t *record);

#endif
