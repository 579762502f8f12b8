# Core tests. Plugin-specific tests live in their plugin's local.mk.
check_LTLIBRARIES += tests/plugins/testsrc.la tests/plugins/testsink.la \
	tests/plugins/badabi.la tests/plugins/nodesc.la
tests_plugins_testsrc_la_SOURCES = tests/plugins/testsrc.c
tests_plugins_testsrc_la_LDFLAGS = $(ES_TESTPLUGIN_LINK)
tests_plugins_testsink_la_SOURCES = tests/plugins/testsink.c
tests_plugins_testsink_la_LDFLAGS = $(ES_TESTPLUGIN_LINK)
tests_plugins_badabi_la_SOURCES = tests/plugins/badabi.c
tests_plugins_badabi_la_LDFLAGS = $(ES_TESTPLUGIN_LINK)
tests_plugins_nodesc_la_SOURCES = tests/plugins/nodesc.c
tests_plugins_nodesc_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere

check_PROGRAMS += tests/utf8_test tests/config_test tests/route_test tests/http_test \
	tests/inventory_test tests/record_json_test tests/dedupe_test tests/normalise_test \
	tests/log_limit_test
tests_log_limit_test_SOURCES = tests/log_limit_test.c tests/tap.h
tests_log_limit_test_LDADD = $(ES_CORE_LIBS)
tests_normalise_test_SOURCES = tests/normalise_test.c tests/tap.h
tests_normalise_test_LDADD = $(ES_CORE_LIBS)
tests_dedupe_test_SOURCES = tests/dedupe_test.c tests/tap.h
tests_dedupe_test_LDADD = $(ES_CORE_LIBS)
tests_record_json_test_SOURCES = tests/record_json_test.c tests/tap.h
tests_record_json_test_LDADD = $(ES_CORE_LIBS)
tests_utf8_test_SOURCES = tests/utf8_test.c tests/tap.h
tests_utf8_test_LDADD = $(ES_CORE_LIBS)
# It dlopens plugins, which resolve es_* against the test binary.
tests_config_test_SOURCES = tests/config_test.c tests/tap.h $(libescore_a_SOURCES)
tests_config_test_LDADD = $(ES_EXT_LIBS)
tests_config_test_LDFLAGS = $(AM_LDFLAGS) -export-dynamic
tests_route_test_SOURCES = tests/route_test.c tests/tap.h
tests_route_test_LDADD = $(ES_CORE_LIBS)
tests_http_test_SOURCES = tests/http_test.c tests/tap.h
tests_inventory_test_SOURCES = tests/inventory_test.c tests/tap.h
tests_inventory_test_LDADD = $(ES_CORE_LIBS)
tests_http_test_LDADD = $(ES_CORE_LIBS)

TESTS += tests/utf8_test tests/config_test tests/route_test tests/http_test tests/inventory_test \
	tests/record_json_test tests/dedupe_test tests/normalise_test tests/log_limit_test

dist_check_SCRIPTS += tests/lib.sh tests/once_test.sh tests/loader_test.sh \
	tests/delivery_test.sh tests/reload_test.sh tests/confd_test.sh tests/accounts_test.sh \
	tests/spool_test.sh tests/metrics_test.sh tests/durability_e2e.sh tests/man_test.sh tests/import_test.sh \
	tests/hostile_config_test.sh tests/log_flood_test.sh \
	tests/check_run_test.sh tests/install_test.sh tests/readme_tour.sh tests/import_history_test.sh tests/import_handoff_test.sh tests/outage_test.sh tests/health_test.sh tests/daemon_test.sh tests/commands_test.sh tests/dry_run_test.sh
TESTS += tests/once_test.sh tests/loader_test.sh tests/delivery_test.sh tests/reload_test.sh \
	tests/confd_test.sh tests/accounts_test.sh tests/spool_test.sh tests/metrics_test.sh tests/durability_e2e.sh tests/man_test.sh tests/import_test.sh \
	tests/hostile_config_test.sh tests/log_flood_test.sh \
	tests/check_run_test.sh tests/install_test.sh tests/readme_tour.sh tests/import_history_test.sh tests/import_handoff_test.sh tests/outage_test.sh tests/health_test.sh tests/daemon_test.sh tests/commands_test.sh tests/dry_run_test.sh

# Fixtures of the core tests and the sanitizer suppressions contrib/test.sh uses.
EXTRA_DIST += tests/data/accounts tests/lsan.supp

# core/numfmt: numbers for people (report, Slack, webhook templates, email).
check_PROGRAMS += tests/numfmt_test
tests_numfmt_test_SOURCES = tests/numfmt_test.c tests/tap.h
tests_numfmt_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/numfmt_test
