/* Subcommands of the earshot binary; each returns the exit status. */
#ifndef ES_CMD_H
#define ES_CMD_H

int es_cmd_run(int argc, char **argv);
int es_cmd_check(int argc, char **argv);
int es_cmd_plugins(int argc, char **argv);
int es_cmd_accounts(int argc, char **argv);
/* In core/sentiment/cmd_score.c. */
int es_cmd_score(int argc, char **argv);

#endif
