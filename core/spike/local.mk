# core/spike: automake fragment, included by the top-level Makefile.am.

libescore_a_SOURCES += \
	core/spike/spike.h core/spike/internal.h core/spike/detector.h \
	core/spike/spike.c core/spike/baseline.c core/spike/tail.c core/spike/terms.c \
	core/spike/topic.c core/spike/store.c

# The evaluation harness: a generator of synthetic streams shared by the
# bench (figures) and the test (floors).
SPIKE_GEN = bench/spikes/gen.c bench/spikes/gen.h bench/spikes/replay.c bench/spikes/replay.h
check_PROGRAMS += bench/spikes/spike_bench
bench_spikes_spike_bench_SOURCES = bench/spikes/spike_bench.c $(SPIKE_GEN)
bench_spikes_spike_bench_LDADD = $(ES_CORE_LIBS)

SPIKE_TESTS = tests/spike_unit tests/spike_detect
check_PROGRAMS += $(SPIKE_TESTS)
TESTS += $(SPIKE_TESTS) tests/spike_e2e.sh
dist_check_SCRIPTS += tests/spike_e2e.sh
tests_spike_unit_SOURCES = tests/spike_unit.c tests/tap.h
tests_spike_unit_LDADD = $(ES_CORE_LIBS)
tests_spike_detect_SOURCES = tests/spike_detect.c tests/tap.h $(SPIKE_GEN)
tests_spike_detect_LDADD = $(ES_CORE_LIBS)

EXTRA_DIST += docs/spikes.md tests/data/spike/README
EXTRA_DIST += bench/spikes/run.sh
