# core/pipeline: a mention from es_emit() to routing: the record, its JSON
# form, and the stages (normalise, dedupe, brand/topic queries, inventory,
# sentiment, route).
libescore_a_SOURCES += \
	core/pipeline/mention.c core/pipeline/mention.h \
	core/pipeline/record_json.c core/pipeline/record_json.h \
	core/pipeline/pipeline.c core/pipeline/pipeline.h core/pipeline/stages.h \
	core/pipeline/stage_normalise.c core/pipeline/stage_dedupe.c \
	core/pipeline/idset.c core/pipeline/idset.h core/pipeline/stage_brand.c \
	core/pipeline/stage_inventory.c core/pipeline/stage_sentiment.c core/pipeline/stage_route.c

PIPELINE_TESTS = tests/route_test tests/record_json_test tests/dedupe_test tests/normalise_test
check_PROGRAMS += $(PIPELINE_TESTS)
TESTS += $(PIPELINE_TESTS)
tests_route_test_SOURCES = tests/route_test.c tests/tap.h
tests_route_test_LDADD = $(ES_CORE_LIBS)
tests_record_json_test_SOURCES = tests/record_json_test.c tests/tap.h
tests_record_json_test_LDADD = $(ES_CORE_LIBS)
tests_dedupe_test_SOURCES = tests/dedupe_test.c tests/tap.h
tests_dedupe_test_LDADD = $(ES_CORE_LIBS)
tests_normalise_test_SOURCES = tests/normalise_test.c tests/tap.h
tests_normalise_test_LDADD = $(ES_CORE_LIBS)
