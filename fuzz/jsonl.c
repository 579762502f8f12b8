/* jl_map_line (plugins/jsonl/line.c): one line of the jsonl source, the
 * generic import path. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "line.h"
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
    const char *fields[] = {m->id, m->network, m->author, m->author_name, m->url, m->title,
                            m->text, m->lang, m->in_reply_to, m->reply_to_author};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        need_utf8(fields[i]);
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
