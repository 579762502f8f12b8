/* es__config_load (core/config/config.c): the main file, parsed from a file in an
 * otherwise empty directory (so no conf.d drop-ins besides what the input
 * names). Plugins are not loaded: es__config_validate is not called. */
#include <stdlib.h>

#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const char *path = fuzz_file("earshot.conf", data, size);
    es_config_t *cfg = NULL;
    es_diag_t d = {0};
    es__config_load(path, &cfg, &d);
    for (size_t i = 0; i < d.count; i++)
        if (!d.msgs[i])
            abort();
    es__config_free(cfg);
    es__diag_free(&d);
    return 0;
}
