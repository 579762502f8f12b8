/* The account inventory stage. The inventory itself (official accounts,
 * owners, lookalikes) is the next piece of work; until then every record
 * passes through unchanged, but the stage already has its place and
 * interface in the pipeline. */
#include <stdlib.h>

#include "stages.h"

struct es_inventory {
    int unused;
};

int es_inventory_new(const es_config_t *cfg, es_inventory_t **out, es_diag_t *diag)
{
    (void)cfg;
    (void)diag;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : ES_ENOMEM;
}

void es_inventory_free(es_inventory_t *inv) { free(inv); }

int es_inventory_apply(es_inventory_t *inv, es_rec_t *rec)
{
    (void)inv;
    (void)rec;
    return 0;
}
