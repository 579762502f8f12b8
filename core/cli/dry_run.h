/*
 * earshot run --dry-run (as Telegraf's --test): every source polls once
 * through the stages, and each record a sink would receive is printed on
 * stdout instead of delivered. The sinks' plugins are not even loaded; the
 * run works on a temporary copy of the state database, so checkpoints,
 * dedupe ids and spools of the real one are untouched.
 */
#ifndef ES_DRY_RUN_H
#define ES_DRY_RUN_H

#include <stddef.h>

#include "loader.h"

/* A handle on the built-in printing sink (no shared object behind it);
 * es__loader_close() frees it. NULL on ENOMEM. */
es_plugin_handle_t *es__dry_run_sink(void);

/* Makes a temporary state directory holding a consistent copy of
 * state_dir/state.db (none when there is none yet). Returns the new
 * directory (malloc'd) or NULL with the reason in err. */
char *es__dry_run_state(const char *state_dir, char *err, size_t errlen);
/* Removes that directory and what the run left in it. */
void es__dry_run_cleanup(const char *dir);

#endif
