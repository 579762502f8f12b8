/* RSS/Atom: repair then libxml2 then the item mapping, as the plugin runs
 * it on every fetched body (plugins/rss/parse.c, repair.c). */
#include <stdlib.h>

#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    es_feed_t feed;
    /* A small item cap as well, so the n_skipped path runs too. */
    size_t max_items = size && (data[0] & 1) ? 3 : 0;
    es_feed_parse((const char *)data, size, "https://feeds.example/dir/feed.xml", max_items, &feed);
    for (size_t i = 0; i < feed.n_items; i++)
        if (!feed.items[i].id || !feed.items[i].text)
            abort(); /* the contract: never NULL */
    es_feed_free(&feed);
    return 0;
}
