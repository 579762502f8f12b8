# core/agent: the loop, the plugin loader and the plugin instances
# (start, stop, reload).
libescore_a_SOURCES += \
	core/agent/agent.c core/agent/agent.h core/agent/loader.c core/agent/loader.h \
	core/agent/instance.c core/agent/instance.h

dist_check_SCRIPTS += tests/loader_test.sh tests/reload_test.sh tests/daemon_test.sh
TESTS += tests/loader_test.sh tests/reload_test.sh tests/daemon_test.sh
