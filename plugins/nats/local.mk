# plugins/nats: automake fragment, included by the top-level Makefile.am.
# The nats source and sink (NATS JetStream through Debian's libnats).
pkglib_LTLIBRARIES += plugins/nats/nats.la
plugins_nats_nats_la_SOURCES = plugins/nats/source.c plugins/nats/sink.c \
	plugins/nats/conn.c plugins/nats/conn.h \
	plugins/nats/subject.c plugins/nats/subject.h \
	plugins/nats/decode.c plugins/nats/decode.h
plugins_nats_nats_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
plugins_nats_nats_la_CFLAGS = $(AM_CFLAGS) $(LIBNATS_CFLAGS) $(LIBCRYPTO_CFLAGS)
plugins_nats_nats_la_LDFLAGS = $(ES_PLUGIN_LINK)
plugins_nats_nats_la_LIBADD = $(LIBNATS_LIBS) $(LIBCRYPTO_LIBS)

# The pure parts (subject templates, message ids, decoding) in their test.
check_PROGRAMS += tests/nats_unit_test
tests_nats_unit_test_SOURCES = tests/nats_unit_test.c tests/tap.h \
	plugins/nats/subject.c plugins/nats/subject.h \
	plugins/nats/decode.c plugins/nats/decode.h
tests_nats_unit_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/nats
tests_nats_unit_test_CFLAGS = $(AM_CFLAGS) $(LIBCRYPTO_CFLAGS)
tests_nats_unit_test_LDADD = $(ES_CORE_LIBS) $(LIBCRYPTO_LIBS)
TESTS += tests/nats_unit_test

# End to end with nats-server processes started by the tests on 127.0.0.1.
TESTS += tests/nats_e2e.sh tests/nats_auth_test.sh tests/nats_cluster_test.sh
dist_check_SCRIPTS += tests/nats_e2e.sh tests/nats_auth_test.sh tests/nats_cluster_test.sh tests/nats_lib.sh
