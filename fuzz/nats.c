/* es_nats_decode (plugins/nats/decode.c): one message of the nats source,
 * a record as the nats sink publishes it. A decoded mention must carry an
 * id, a network and a text, all valid UTF-8 (escaped NULs included: they
 * are U+FFFD by then); a refused one always says why. */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fuzz.h"
#include <earshot/fields.h>
#include <earshot/text.h>

static void need_utf8(const char *s)
{
    if (s && !es_utf8_is_valid(s, strlen(s)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    es_nats_decoded_t d;
    const char *why = NULL;
    es_nats_dec_t r = es_nats_decode((const char *)data, size, &d, &why);
    if (r == ES_NATS_DEC_BAD && !why)
        abort();
    if (r != ES_NATS_DEC_MENTION)
        return 0;
    const es_mention_t *m = &d.m;
    if (!m->id || !*m->id || !m->network || !m->text)
        abort();
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++)
        if (es_mention_fields[i].kind == ES_FIELD_STRING)
            need_utf8(es_field_str(m, &es_mention_fields[i]));
    for (size_t i = 0; i < m->n_addressed; i++)
        need_utf8(m->addressed[i]);
    es_nats_decoded_free(&d);
    return 0;
}
