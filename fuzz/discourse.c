/* Discourse /posts.json mapping (plugins/forum/discourse.c, item.c). */
#include <stdlib.h>

#include "discourse.h"
#include "fuzz.h"

static void warn(void *arg, const char *msg)
{
    (void)arg;
    if (!msg)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    es_forum_page_t page = {0};
    char err[256];
    es_discourse_parse((const char *)data, size, "https://forum.example", "discourse", &page, warn,
                       NULL, err, sizeof err);
    for (size_t i = 0; i < page.n; i++)
        if (!page.items[i].id)
            abort();
    es_forum_page_free(&page);
    return 0;
}
