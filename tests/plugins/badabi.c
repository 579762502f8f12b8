/* Test-only plugin built for another ABI: the loader must refuse it. */
#include <stddef.h>

#include "plugin.h"

const es_plugin_t earshot_source = {
    .abi = 42, /* never a real ABI */ .kind = ES_KIND_SOURCE, .name = "badabi",
    .description = "wrong ABI",
};
