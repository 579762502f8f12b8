# plugins/email: automake fragment, included by the top-level Makefile.am.
# SMTP through libcurl's easy interface on the libuv thread pool.
pkglib_LTLIBRARIES += plugins/email/email.la
plugins_email_email_la_SOURCES = plugins/email/plugin.c \
	plugins/email/compose.c plugins/email/compose.h \
	plugins/email/mime.c plugins/email/mime.h \
	plugins/email/smtp.c plugins/email/smtp.h
plugins_email_email_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
plugins_email_email_la_LDFLAGS = $(ES_PLUGIN_LINK)
plugins_email_email_la_LIBADD = $(LIBCURL_LIBS)

# End to end against a real SMTP server (aiosmtpd) on 127.0.0.1.
TESTS += tests/email_e2e.sh
dist_check_SCRIPTS += tests/email_e2e.sh tests/smtp_fixture_server.py
EXTRA_DIST += tests/data/email

# The message layer compiled straight into its test.
check_PROGRAMS += tests/email_mime_test
tests_email_mime_test_SOURCES = tests/email_mime_test.c tests/tap.h \
	plugins/email/mime.c plugins/email/mime.h \
	plugins/email/compose.c plugins/email/compose.h
tests_email_mime_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/email
tests_email_mime_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/email_mime_test
