# plugins/forum: automake fragment, included by the top-level Makefile.am.
# Discourse and Reddit JSON source. es_* calls (es_html_to_text,
# es_time_parse, es_utf8_sanitize) resolve against the earshot binary at
# dlopen time; jansson is linked here.
pkglib_LTLIBRARIES += plugins/forum/forum.la
plugins_forum_forum_la_SOURCES = plugins/forum/plugin.c plugins/forum/forum.h plugins/forum/config.c \
	plugins/forum/item.c plugins/forum/item.h \
	plugins/forum/discourse.c plugins/forum/discourse.h \
	plugins/forum/reddit.c plugins/forum/reddit.h
plugins_forum_forum_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
plugins_forum_forum_la_LDFLAGS = $(ES_PLUGIN_LINK)
plugins_forum_forum_la_LIBADD = $(JANSSON_LIBS) -lm

# The mapping layer compiled straight into its test: it needs no plugin
# context, so the test exercises exactly the code the plugin runs.
check_PROGRAMS += tests/forum_parse_test
tests_forum_parse_test_SOURCES = tests/forum_parse_test.c tests/tap.h \
	plugins/forum/item.c plugins/forum/item.h \
	plugins/forum/discourse.c plugins/forum/discourse.h \
	plugins/forum/reddit.c plugins/forum/reddit.h
tests_forum_parse_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/forum
tests_forum_parse_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/forum_parse_test

# End to end: the built daemon against tests/forum_fixture_server.py.
TESTS += tests/forum_e2e.sh tests/forum_hostile_e2e.sh
dist_check_SCRIPTS += tests/forum_e2e.sh tests/forum_hostile_e2e.sh tests/forum_fixture_server.py
EXTRA_DIST += tests/data/forum
