# RSS/Atom source plugin, plus the text and date utilities it introduced
# (in the core library so every plugin can call them). Included by the
# top-level Makefile.am.

libescore_a_SOURCES += core/text.c core/text.h core/timeparse.c core/timeparse.h

check_PROGRAMS += tests/text_test tests/timeparse_test
tests_text_test_SOURCES = tests/text_test.c tests/tap.h
tests_text_test_LDADD = $(ES_CORE_LDADD)
tests_timeparse_test_SOURCES = tests/timeparse_test.c tests/tap.h
tests_timeparse_test_LDADD = $(ES_CORE_LDADD)
TESTS += tests/text_test tests/timeparse_test
