# RSS/Atom source plugin, plus the text and date utilities it introduced
# (in the core library so every plugin can call them). Included by the
# top-level Makefile.am.

libescore_a_SOURCES += core/text.c core/text.h core/timeparse.c core/timeparse.h

check_PROGRAMS += tests/text_test tests/timeparse_test
tests_text_test_SOURCES = tests/text_test.c tests/tap.h
tests_text_test_LDADD = $(ES_CORE_LDADD)
tests_timeparse_test_SOURCES = tests/timeparse_test.c tests/tap.h
tests_timeparse_test_LDADD = $(ES_CORE_LDADD)
TESTS += tests/text_test tests/timeparse_test

check_PROGRAMS += tests/rss_parse_test
# The parse layer is compiled straight into its test: it needs no plugin
# context, so the test exercises exactly the code the plugin runs.
tests_rss_parse_test_SOURCES = tests/rss_parse_test.c tests/tap.h \
	plugins/rss/parse.c plugins/rss/parse.h plugins/rss/repair.c plugins/rss/repair.h
tests_rss_parse_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/rss
tests_rss_parse_test_CFLAGS = $(AM_CFLAGS) $(LIBXML2_CFLAGS)
tests_rss_parse_test_LDADD = $(ES_CORE_LDADD) $(LIBXML2_LIBS) $(LIBCRYPTO_LIBS)
TESTS += tests/rss_parse_test
EXTRA_DIST += tests/data/rss tests/data/README.rss
