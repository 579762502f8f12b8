# core/util: text, UTF-8, dates, JSON repair, logging and small helpers
# that every other folder and the plugins use; depends on nothing else of
# the core.
libescore_a_SOURCES += \
	core/util/error.c \
	core/util/log.c core/util/log.h core/util/log_limit.c core/util/log_limit.h \
	core/util/util.c core/util/util.h core/util/file_open.c \
	core/util/strbuf.c core/util/utf8.c \
	core/util/json_load.c core/util/text.c \
	core/util/timeparse.c core/util/numfmt.c

UTIL_TESTS = tests/utf8_test tests/text_test tests/timeparse_test tests/numfmt_test tests/log_limit_test
check_PROGRAMS += $(UTIL_TESTS)
TESTS += $(UTIL_TESTS)
tests_utf8_test_SOURCES = tests/utf8_test.c tests/tap.h
tests_utf8_test_LDADD = $(ES_CORE_LIBS)
tests_text_test_SOURCES = tests/text_test.c tests/tap.h
tests_text_test_LDADD = $(ES_CORE_LIBS)
tests_timeparse_test_SOURCES = tests/timeparse_test.c tests/tap.h
tests_timeparse_test_LDADD = $(ES_CORE_LIBS)
tests_numfmt_test_SOURCES = tests/numfmt_test.c tests/tap.h
tests_numfmt_test_LDADD = $(ES_CORE_LIBS)
tests_log_limit_test_SOURCES = tests/log_limit_test.c tests/tap.h
tests_log_limit_test_LDADD = $(ES_CORE_LIBS)
dist_check_SCRIPTS += tests/log_flood_test.sh
TESTS += tests/log_flood_test.sh
