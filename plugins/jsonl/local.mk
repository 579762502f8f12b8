pkglib_LTLIBRARIES += plugins/jsonl/jsonl.la
plugins_jsonl_jsonl_la_SOURCES = plugins/jsonl/source.c plugins/jsonl/line.c plugins/jsonl/line.h \
	plugins/jsonl/sink.c
plugins_jsonl_jsonl_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
plugins_jsonl_jsonl_la_LDFLAGS = $(ES_PLUGIN_LINK)

dist_check_SCRIPTS += tests/jsonl_blocking_test.sh
TESTS += tests/jsonl_blocking_test.sh
