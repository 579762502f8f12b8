# core/net: the shared libcurl fetcher, the HTTP listener with its bind
# rules, /metrics and /health.
libescore_a_SOURCES += \
	core/net/http.c core/net/http.h core/net/listen_addr.c core/net/listen_addr.h \
	core/net/metrics.c core/net/metrics.h core/net/health.c core/net/health.h core/net/stats.h \
	core/net/dbstats.c core/net/dbstats.h

check_PROGRAMS += tests/http_test
TESTS += tests/http_test
tests_http_test_SOURCES = tests/http_test.c tests/tap.h
tests_http_test_LDADD = $(ES_CORE_LIBS)
dist_check_SCRIPTS += tests/metrics_test.sh tests/health_test.sh
TESTS += tests/metrics_test.sh tests/health_test.sh
check_PROGRAMS += tests/dbstats_test
TESTS += tests/dbstats_test
tests_dbstats_test_SOURCES = tests/dbstats_test.c tests/tap.h
tests_dbstats_test_LDADD = $(ES_CORE_LIBS)
