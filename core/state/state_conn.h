/*
 * The state database's connection, for the modules of core/state that
 * keep their statements beside their own code (accounts, reconciliation,
 * spool commands, spike detector). Nothing outside core/state includes
 * this: the rest of earshot reaches the database through their functions.
 */
#ifndef ES_STATE_CONN_H
#define ES_STATE_CONN_H

#include <sqlite3.h>

#include "state.h"

sqlite3 *es__state_db(es_state_t *st);

#endif
