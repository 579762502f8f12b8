/*
 * Replays a synthetic stream through the spike detector's API at full
 * speed (mention time, not wall time), optionally restarting the detector
 * on the same state DB part-way. Shared by the bench and tests/spike_detect.
 */
#ifndef SPK_REPLAY_H
#define SPK_REPLAY_H

#include <stdio.h>

#include "config.h"
#include "gen.h"

typedef struct spk_run {
    spk_alert_t *alerts; /* brand series only, in emission order */
    size_t n_alerts, cap_alerts;
    size_t sub_alerts;   /* alerts of owner/network series */
    json_t *first_began; /* fields of the first spike_began (for field checks) */
    json_t *first_ended;
    uint64_t mentions;
    double observe_s;    /* CPU time spent inside es__spike_observe */
    int restarts;
    int errors;
    FILE *dump;          /* when set, every alert is written here as JSON lines */
} spk_run_t;

/* The detector keeps its state in state_dir/state.db. restart_at > 0: when
 * delivery reaches that time, flush, free, reopen the DB and continue with
 * a new detector object. Returns 0 or negative. */
int spk_replay(const spk_cfg_t *gc, const es_config_t *cfg, const char *state_dir, int64_t restart_at,
               spk_run_t *out);
/* out->dump is kept: set it before the call. */
void spk_run_free(spk_run_t *r);

#endif
