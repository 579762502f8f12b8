# RSS/Atom source plugin. Included by the top-level Makefile.am.

# es_* calls (including es_html_to_text, es_time_parse) resolve against the
# earshot binary at dlopen time; only libxml2 and libcrypto are linked here.
pkglib_LTLIBRARIES += plugins/rss/rss.la
plugins_rss_rss_la_SOURCES = plugins/rss/plugin.c \
	plugins/rss/parse.c plugins/rss/parse.h \
	plugins/rss/repair.c plugins/rss/repair.h \
	plugins/rss/seen.c plugins/rss/seen.h
plugins_rss_rss_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
plugins_rss_rss_la_CFLAGS = $(AM_CFLAGS) $(LIBXML2_CFLAGS)
plugins_rss_rss_la_LDFLAGS = $(ES_PLUGIN_LINK)
plugins_rss_rss_la_LIBADD = $(LIBXML2_LIBS) $(LIBCRYPTO_LIBS)

check_PROGRAMS += tests/rss_parse_test
# The parse layer is compiled straight into its test: it needs no plugin
# context, so the test exercises exactly the code the plugin runs.
tests_rss_parse_test_SOURCES = tests/rss_parse_test.c tests/tap.h \
	plugins/rss/parse.c plugins/rss/parse.h plugins/rss/repair.c plugins/rss/repair.h
tests_rss_parse_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/rss
tests_rss_parse_test_CFLAGS = $(AM_CFLAGS) $(LIBXML2_CFLAGS)
tests_rss_parse_test_LDADD = $(ES_CORE_LIBS) $(LIBXML2_LIBS) $(LIBCRYPTO_LIBS)
TESTS += tests/rss_parse_test

check_PROGRAMS += tests/rss_seen_test
tests_rss_seen_test_SOURCES = tests/rss_seen_test.c tests/tap.h \
	plugins/rss/seen.c plugins/rss/seen.h
tests_rss_seen_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/rss
tests_rss_seen_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/rss_seen_test

# End to end: the built daemon against tests/http_fixture_server.py.
TESTS += tests/rss_e2e.sh
dist_check_SCRIPTS += tests/rss_e2e.sh tests/http_fixture_server.py
EXTRA_DIST += tests/data/rss tests/data/README.rss
