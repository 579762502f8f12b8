/* Test-only plugin built for another ABI: the loader must refuse it. */
#include <stddef.h>

#include <earshot/plugin.h>

const es_plugin_t earshot_source = {
    .abi = 42, /* never a real ABI: the tests name it */
    .kind = ES_KIND_SOURCE, .name = "badabi",
    .description = "wrong ABI",
};
