/* Subcommands of the earshot binary; each returns the exit status. */
#ifndef ES_CMD_H
#define ES_CMD_H

int es__cmd_run(int argc, char **argv);
int es__cmd_check(int argc, char **argv);
int es__cmd_plugins(int argc, char **argv);
int es__cmd_accounts(int argc, char **argv);
int es__cmd_spool(int argc, char **argv);
int es__cmd_import(int argc, char **argv);
int es__cmd_query(int argc, char **argv); /* query test */
/* earshot.conf(5) in roff on stdout, from every plugin on search. */
int es__man_conf(const char *search);
/* In core/sentiment/cmd_score.c. */
int es__cmd_score(int argc, char **argv);
int es__cmd_report(int argc, char **argv); /* core/report/cmd_report.c */

/* Loads the config (diagnostics to stderr) and opens its state DB; NULL
 * on any problem, already reported under "earshot CMD". */
#include "config.h"
#include "state.h"
es_state_t *es__cmd_open_state(const char *cmd, const char *cfgpath, es_config_t **cfg);

#endif
