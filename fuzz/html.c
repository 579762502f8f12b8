/* es_html_to_text (core/util/text.c): the HTML of feeds and forums to plain text. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include <earshot/text.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    char *t = es_html_to_text((const char *)data, size, &n);
    if (t && strlen(t) != n)
        abort(); /* no NUL inside the result, and the length is right */
    free(t);
    return 0;
}
