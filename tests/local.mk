# The plugins the core's tests load. A core folder's tests are registered
# in that folder's local.mk, a plugin's in the plugin's.
check_LTLIBRARIES += tests/plugins/testsrc.la tests/plugins/testsink.la \
	tests/plugins/badabi.la tests/plugins/nodesc.la
tests_plugins_testsrc_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
tests_plugins_testsink_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
tests_plugins_badabi_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
tests_plugins_nodesc_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
tests_plugins_testsrc_la_SOURCES = tests/plugins/testsrc.c
tests_plugins_testsrc_la_LDFLAGS = $(ES_TESTPLUGIN_LINK)
tests_plugins_testsink_la_SOURCES = tests/plugins/testsink.c
tests_plugins_testsink_la_LDFLAGS = $(ES_TESTPLUGIN_LINK)
tests_plugins_badabi_la_SOURCES = tests/plugins/badabi.c
tests_plugins_badabi_la_LDFLAGS = $(ES_TESTPLUGIN_LINK)
tests_plugins_nodesc_la_SOURCES = tests/plugins/nodesc.c
tests_plugins_nodesc_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere

dist_check_SCRIPTS += tests/lib.sh
# Fixtures of the core tests and the sanitizer suppressions contrib/test.sh uses.
EXTRA_DIST += tests/data/accounts tests/lsan.supp
