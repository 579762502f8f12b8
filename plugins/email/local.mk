# plugins/email: automake fragment, included by the top-level Makefile.am.
# SMTP through libcurl's easy interface on the libuv thread pool.
pkglib_LTLIBRARIES += plugins/email/email.la
plugins_email_email_la_SOURCES = plugins/email/plugin.c \
	plugins/email/compose.c plugins/email/compose.h \
	plugins/email/mime.c plugins/email/mime.h \
	plugins/email/smtp.c plugins/email/smtp.h
plugins_email_email_la_LDFLAGS = $(ES_PLUGIN_LINK)
plugins_email_email_la_LIBADD = $(LIBCURL_LIBS)

# End to end against a real SMTP server (aiosmtpd) on 127.0.0.1.
TESTS += tests/email_e2e.sh
dist_check_SCRIPTS += tests/email_e2e.sh tests/smtp_fixture_server.py
EXTRA_DIST += tests/data/email
