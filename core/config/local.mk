# core/config: the configuration file and conf.d/ drop-ins (libinih), key
# tables and their checks, listener addresses, secrets and credentials.
libescore_a_SOURCES += \
	core/config/config.c core/config/config.h core/config/config_listen.c \
	core/config/config_value.c core/config/config_value.h \
	core/config/config_secret.c core/config/config_secret.h \
	core/config/config_keys.c core/config/config_keys.h \
	core/config/suggest.c core/config/suggest.h

# It dlopens plugins, which resolve es_* against the test binary: it links
# the whole core and exports it, as the earshot binary does.
check_PROGRAMS += tests/config_test
TESTS += tests/config_test
tests_config_test_SOURCES = tests/config_test.c tests/tap.h
tests_config_test_LDADD = $(ES_EXT_LIBS)
tests_config_test_LDFLAGS = $(AM_LDFLAGS) -export-dynamic $(ES_WHOLE_CORE)
tests_config_test_DEPENDENCIES = libescore.a
dist_check_SCRIPTS += tests/confd_test.sh tests/hostile_config_test.sh
TESTS += tests/confd_test.sh tests/hostile_config_test.sh
