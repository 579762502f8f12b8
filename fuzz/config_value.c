/* es__value_parse (core/config/config_value.c): durations, sizes, booleans,
 * numbers. The first byte picks the type, the rest is the value. */
#include <stdlib.h>
#include <string.h>

#include "config_value.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1024)
        return 0;
    static const es_key_type_t types[] = {ES_KEY_STRING, ES_KEY_INT, ES_KEY_DOUBLE, ES_KEY_BOOL,
                                          ES_KEY_DURATION, ES_KEY_SIZE, ES_KEY_LIST, ES_KEY_SECRET,
                                          ES_KEY_URL, ES_KEY_URL_LIST};
    es_key_type_t type = types[data[0] % (sizeof types / sizeof types[0])];
    char *s = fuzz_cstr(data + 1, size - 1);
    es_value_t v;
    char err[256] = "";
    int rc = es__value_parse(type, s, &v, err, sizeof err);
    if (rc != 0 && !err[0])
        abort(); /* an error always says what was expected */
    free(s);
    return 0;
}
