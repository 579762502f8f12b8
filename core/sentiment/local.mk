# Sentiment scorer: included by the top-level Makefile.am.

libescore_a_SOURCES += \
	core/sentiment/scorer.h core/sentiment/internal.h core/sentiment/gt_text.h \
	core/sentiment/scorer.c core/sentiment/lexicon.c core/sentiment/utf8.c \
	core/sentiment/tokenize.c core/sentiment/lang.c core/sentiment/vader.c \
	core/sentiment/rules_en.c core/sentiment/rules_fr.c core/sentiment/cmd_score.c \
	core/sentiment/features.c core/sentiment/model.c

dist_lexicon_DATA += \
	contrib/lexicons/en.tsv contrib/lexicons/fr.tsv contrib/lexicons/fr_extra.tsv \
	contrib/lexicons/emoji.tsv contrib/lexicons/en.model contrib/lexicons/fr.model

EXTRA_DIST += \
	contrib/lexicons/convert.js contrib/lexicons/LICENSES.md \
	tests/sentiment_common.h tests/data/sentiment_fr.tsv tests/data/README.sentiment \
	bench/sentiment/bench.c bench/sentiment/bench_vader.js bench/sentiment/run.sh \
	bench/sentiment/accuracy.c tests/data/sentiment_care.tsv \
	contrib/sentiment-model/train.c contrib/sentiment-model/train.sh \
	contrib/sentiment-model/care_train.tsv docs/sentiment.md

SENTIMENT_TESTS = tests/sentiment_rules tests/sentiment_accuracy tests/sentiment_fr \
	tests/sentiment_lexicon tests/sentiment_model
check_PROGRAMS += $(SENTIMENT_TESTS)
TESTS += $(SENTIMENT_TESTS)

# ES_LEXICON_DIR comes from AM_CPPFLAGS; the harness points the tests at
# the source tree's lexicons through EARSHOT_LEXICON_DIR.
SENTIMENT_TEST_DEFS = $(AM_CPPFLAGS) -DES_TEST_SRCDIR='"$(abs_top_srcdir)"'

tests_sentiment_rules_SOURCES = tests/sentiment_rules.c tests/sentiment_common.h tests/tap.h
tests_sentiment_rules_CPPFLAGS = $(SENTIMENT_TEST_DEFS)
tests_sentiment_rules_LDADD = $(ES_CORE_LIBS)
tests_sentiment_accuracy_SOURCES = tests/sentiment_accuracy.c tests/sentiment_common.h tests/tap.h
tests_sentiment_accuracy_CPPFLAGS = $(SENTIMENT_TEST_DEFS)
tests_sentiment_accuracy_LDADD = $(ES_CORE_LIBS)
tests_sentiment_fr_SOURCES = tests/sentiment_fr.c tests/sentiment_common.h tests/tap.h
tests_sentiment_fr_CPPFLAGS = $(SENTIMENT_TEST_DEFS)
tests_sentiment_fr_LDADD = $(ES_CORE_LIBS)
tests_sentiment_lexicon_SOURCES = tests/sentiment_lexicon.c tests/sentiment_common.h tests/tap.h
tests_sentiment_lexicon_CPPFLAGS = $(SENTIMENT_TEST_DEFS)
tests_sentiment_lexicon_LDADD = $(ES_CORE_LIBS)
tests_sentiment_model_SOURCES = tests/sentiment_model.c tests/sentiment_common.h tests/tap.h
tests_sentiment_model_CPPFLAGS = $(SENTIMENT_TEST_DEFS)
tests_sentiment_model_LDADD = $(ES_CORE_LIBS)

dist_check_SCRIPTS += tests/score_cmd_test.sh
TESTS += tests/score_cmd_test.sh
