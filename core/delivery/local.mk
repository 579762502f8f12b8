# core/delivery: a queue and a spool per sink: batches, linger, retry with
# backoff, dead letters, and what survives a crash (docs/durability.md).
libescore_a_SOURCES += core/delivery/sink_queue.c core/delivery/sink_queue.h core/delivery/delivery.c core/delivery/delivery.h \
	core/delivery/lifecycle.c core/delivery/lifecycle.h core/delivery/spool_reader.c core/delivery/spool_reader.h

dist_check_SCRIPTS += tests/delivery_test.sh tests/spool_test.sh tests/durability_e2e.sh tests/outage_test.sh
TESTS += tests/delivery_test.sh tests/spool_test.sh tests/durability_e2e.sh tests/outage_test.sh

check_PROGRAMS += tests/lifecycle_test
TESTS += tests/lifecycle_test
tests_lifecycle_test_SOURCES = tests/lifecycle_test.c tests/tap.h
tests_lifecycle_test_LDADD = $(ES_CORE_LIBS)
check_PROGRAMS += tests/spool_reader_test
TESTS += tests/spool_reader_test
tests_spool_reader_test_SOURCES = tests/spool_reader_test.c tests/tap.h
tests_spool_reader_test_LDADD = $(ES_CORE_LIBS)
