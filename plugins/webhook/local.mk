# plugins/webhook: automake fragment, included by the top-level Makefile.am.
# es_* calls resolve against the earshot binary; libcrypto is linked for
# the HMAC-SHA256 request signature.
pkglib_LTLIBRARIES += plugins/webhook/webhook.la
plugins_webhook_webhook_la_SOURCES = plugins/webhook/plugin.c \
	plugins/webhook/payload.c plugins/webhook/payload.h \
	plugins/webhook/template.c plugins/webhook/template.h \
	plugins/webhook/sign.c plugins/webhook/sign.h
plugins_webhook_webhook_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
plugins_webhook_webhook_la_LDFLAGS = $(ES_PLUGIN_LINK)
plugins_webhook_webhook_la_LIBADD = $(LIBCRYPTO_LIBS)

TESTS += tests/webhook_e2e.sh
dist_check_SCRIPTS += tests/webhook_e2e.sh tests/webhook_receiver.py
EXTRA_DIST += tests/data/webhook

# The payload layer compiled straight into its test, linked with the core
# for records and es_record_json.
check_PROGRAMS += tests/webhook_payload_test
tests_webhook_payload_test_SOURCES = tests/webhook_payload_test.c tests/tap.h \
	plugins/webhook/payload.c plugins/webhook/payload.h \
	plugins/webhook/template.c plugins/webhook/template.h \
	plugins/webhook/sign.c plugins/webhook/sign.h
tests_webhook_payload_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/webhook
tests_webhook_payload_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/webhook_payload_test
