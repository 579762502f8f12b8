/* es_time_parse (core/util/timeparse.c): every date format feeds and APIs send. */
#include <stdlib.h>

#include "fuzz.h"
#include <earshot/plugin.h>
#include <earshot/date.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0; /* dates are short; longer inputs only slow the search */
    char *s = fuzz_cstr(data, size);
    int64_t t = 0x5a5a5a5a;
    int rc = es_time_parse(s, &t);
    if (rc != 0 && t != 0x5a5a5a5a)
        abort(); /* *epoch is untouched on error */
    free(s);
    return 0;
}
