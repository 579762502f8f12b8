/* What the offline subcommands (accounts, spool) share: the config and
 * the state database it names. */
#include <stdio.h>

#include "cmd.h"

es_state_t *es__cmd_open_state(const char *cmd, const char *cfgpath, es_config_t **cfgout)
{
    es_diag_t diag = {0};
    es_config_t *cfg = NULL;
    /* No instance starts here: a sink's unset ${SECRET} must not stop it. */
    int rc = es__config_load_offline(cfgpath, &cfg, &diag);
    for (size_t i = 0; i < diag.count; i++)
        fprintf(stderr, "%s\n", diag.msgs[i]);
    if (rc < 0 || diag.count) {
        es__diag_free(&diag);
        es__config_free(cfg);
        return NULL;
    }
    es__diag_free(&diag);
    es_state_t *st;
    char err[512];
    if (es__state_open(cfg->state_dir, &st, err, sizeof err) < 0) {
        fprintf(stderr, "earshot %s: %s\n", cmd, err);
        es__config_free(cfg);
        return NULL;
    }
    *cfgout = cfg;
    return st;
}
