/* es_entities_decode (core/util/text.c): character references in plain text. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include <earshot/text.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    char *t = es_entities_decode((const char *)data, size, &n);
    if (t && memchr(data, 0, size) == NULL && strlen(t) != n)
        abort(); /* references to NUL must not produce one */
    free(t);
    return 0;
}
