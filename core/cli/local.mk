# core/cli: main() and the commands that are not a feature's own (a
# feature folder keeps its command: accounts/, report/, sentiment/):
# run, check, plugins, query, import, spool, and the man page writer.
libescore_a_SOURCES += \
	core/cli/cmd.h core/cli/cmd_common.c core/cli/cmd_run.c core/cli/cmd_check.c \
	core/cli/cmd_plugins.c core/cli/cmd_query.c core/cli/cmd_import.c core/cli/cmd_spool.c \
	core/cli/man_conf.c core/cli/dry_run.c core/cli/dry_run.h

earshot_SOURCES = core/cli/main.c core/cli/uninstalled.c core/cli/uninstalled.h
earshot_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
earshot_LDADD = $(ES_EXT_LIBS)
earshot_LDFLAGS = $(AM_LDFLAGS) -export-dynamic $(ES_WHOLE_CORE)
earshot_DEPENDENCIES = libescore.a

dist_check_SCRIPTS += tests/once_test.sh tests/man_test.sh tests/import_test.sh tests/check_run_test.sh \
	tests/install_test.sh tests/readme_tour.sh tests/import_history_test.sh tests/import_handoff_test.sh \
	tests/commands_test.sh tests/dry_run_test.sh
TESTS += tests/once_test.sh tests/man_test.sh tests/import_test.sh tests/check_run_test.sh \
	tests/install_test.sh tests/readme_tour.sh tests/import_history_test.sh tests/import_handoff_test.sh \
	tests/commands_test.sh tests/dry_run_test.sh
