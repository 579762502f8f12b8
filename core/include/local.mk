# core/include: the installed API. Plugins (in the tree and out of it)
# include these as <earshot/NAME.h> and nothing else of the core; every
# function declared ES_API here is exported by the binary, and nothing else.
earshotincludedir = $(includedir)/earshot
earshotinclude_HEADERS = core/include/earshot/plugin.h core/include/earshot/text.h \
	core/include/earshot/date.h core/include/earshot/json.h core/include/earshot/strbuf.h \
	core/include/earshot/numfmt.h core/include/earshot/file.h core/include/earshot/swar.h \
	core/include/earshot/fields.h
libescore_a_SOURCES += $(earshotinclude_HEADERS)

dist_check_SCRIPTS += tests/abi_exports_test.sh tests/plugin_sdk_test.sh
TESTS += tests/abi_exports_test.sh tests/plugin_sdk_test.sh
EXTRA_DIST += contrib/example-plugin
