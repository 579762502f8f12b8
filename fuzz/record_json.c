/* es__rec_from_json (core/pipeline/mention.c): the record JSON read back from the
 * spool, the jsonl sink's line format. Round-trips what it accepts. */
#include <jansson.h>
#include <stdlib.h>

#include "fuzz.h"
#include "mention.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *s = fuzz_cstr(data, size);
    es_rec_t *r = es__rec_from_json(s);
    if (r) {
        json_t *j = es__rec_to_json(r);
        char *again = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (again) {
            es_rec_t *r2 = es__rec_from_json(again);
            if (!r2)
                abort(); /* what we wrote we must read back */
            es__rec_free(r2);
        }
        free(again);
        json_decref(j);
        es__rec_free(r);
    }
    free(s);
    return 0;
}
