/* Account reconciliation findings from the state DB (see reconcile.c). */
#ifndef ES_RECONCILE_H
#define ES_RECONCILE_H

#include <jansson.h>
#include <stdint.h>

#include <earshot/plugin.h>

#include "state.h"

/* Builds {since, generated_at, dormant[], sunset_active[], lookalikes[],
 * no_owner[], responses_by_team[], responses_by_account[]}: official
 * accounts with no post since `since`; sunset accounts that still post or
 * are still addressed; lookalikes seen since; accounts without owner;
 * answered share and median / 90th percentile seconds to the first answer
 * of mentions addressed since `since`. New reference in *out. */
int es__state_reconcile(es_state_t *st, int64_t since, int64_t now, json_t **out);

#endif
