# plugins/twitter: automake fragment, included by the top-level Makefile.am.
# Twitter/X export importer (account archive tweets.js and .zip, API v1.1
# and v2 JSON lines). es_* calls resolve against the earshot binary; only
# libarchive is linked here; tweets are parsed by tjson.c, not jansson.
pkglib_LTLIBRARIES += plugins/twitter/twitter.la
plugins_twitter_twitter_la_SOURCES = plugins/twitter/source.c \
	plugins/twitter/scan.c plugins/twitter/scan.h \
	plugins/twitter/tweet.c plugins/twitter/tweet.h \
	plugins/twitter/tjson.c plugins/twitter/tjson.h \
	plugins/twitter/reader.c plugins/twitter/reader.h \
	plugins/twitter/notes.c plugins/twitter/notes.h
plugins_twitter_twitter_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
plugins_twitter_twitter_la_CFLAGS = $(AM_CFLAGS) $(LIBARCHIVE_CFLAGS)
plugins_twitter_twitter_la_LDFLAGS = $(ES_PLUGIN_LINK)
plugins_twitter_twitter_la_LIBADD = $(LIBARCHIVE_LIBS)

# The scanner and the tweet mapping need no plugin context: compiled
# straight into their test.
check_PROGRAMS += tests/twitter_unit_test
tests_twitter_unit_test_SOURCES = tests/twitter_unit_test.c tests/tap.h \
	plugins/twitter/scan.c plugins/twitter/scan.h \
	plugins/twitter/tweet.c plugins/twitter/tweet.h \
	plugins/twitter/tjson.c plugins/twitter/tjson.h \
	plugins/twitter/notes.c plugins/twitter/notes.h
tests_twitter_unit_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/twitter
tests_twitter_unit_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/twitter_unit_test
# End to end through the daemon: every format, checkpoints, bad input, a
# large file with bounded memory, kill -9 and restart.
TESTS += tests/twitter_e2e.sh tests/twitter_shared_test.sh tests/deletion_e2e.sh
dist_check_SCRIPTS += tests/twitter_e2e.sh tests/twitter_shared_test.sh tests/deletion_e2e.sh
EXTRA_DIST += tests/data/twitter
