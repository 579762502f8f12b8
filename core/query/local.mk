# core/query: automake fragment, included by the top-level Makefile.am.

libescore_a_SOURCES += \
	core/query/query.h core/query/grow.h core/query/token.c core/query/parse.c core/query/matcher.c

EXTRA_DIST += docs/queries.md

check_PROGRAMS += tests/query_test
TESTS += tests/query_test
tests_query_test_SOURCES = tests/query_test.c tests/tap.h
tests_query_test_LDADD = $(ES_CORE_LIBS)

check_PROGRAMS += tests/query_stage_test
TESTS += tests/query_stage_test
tests_query_stage_test_SOURCES = tests/query_stage_test.c tests/tap.h
tests_query_stage_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/query_e2e.sh
dist_check_SCRIPTS += tests/query_e2e.sh
EXTRA_DIST += tests/data/queries/sky_stream.py

check_PROGRAMS += bench/queries/query_bench
bench_queries_query_bench_SOURCES = bench/queries/query_bench.c
bench_queries_query_bench_LDADD = $(ES_CORE_LIBS)
EXTRA_DIST += bench/queries/run.sh
