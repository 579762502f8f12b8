/* jl_map_line (plugins/jsonl/line.c): one line of the jsonl source, the
 * generic import path. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "line.h"
#include <earshot/fields.h>
#include <earshot/text.h>

static void need_utf8(const char *s)
{
    if (s && !es_utf8_is_valid(s, strlen(s)))
        abort();
}

/* What the pipeline relies on for an emitted mention. */
static void check(void *arg, const es_mention_t *m)
{
    (void)arg;
    if (!m->id || !*m->id || !m->text || !m->network || m->n_addressed > 64)
        abort();
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++)
        if (es_mention_fields[i].kind == ES_FIELD_STRING)
            need_utf8(es_field_str(m, &es_mention_fields[i]));
    for (size_t i = 0; i < m->n_addressed; i++) {
        if (!m->addressed[i])
            abort();
        need_utf8(m->addressed[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0; /* a line; longer ones only slow the search */
    char why[256];
    why[0] = '\0';
    int rc = jl_map_line((const char *)data, size, "import", check, NULL, why, sizeof why);
    if (rc < 0 && !why[0])
        abort(); /* a skipped line always says why */
    return 0;
}
