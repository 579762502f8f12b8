# fuzz/: libFuzzer harnesses for every parser, their seed corpora and crash
# reproducers, and the valgrind run of the test suite. Included by the
# top-level Makefile.am. See docs/fuzzing.md.
#
#   make fuzz            builds fuzz/bin/fuzz_TARGET with clang (libFuzzer,
#                        ASan, UBSan); contrib/fuzz.sh runs them
#   make fuzz-run        both: every target for FUZZ_SECONDS (60) each
#   make check           replays every seed and reproducer through every
#                        harness compiled with the normal compiler
#                        (tests/fuzz_replay.sh)
#   make check-valgrind  the test suite (or TESTS="...") under valgrind

FUZZ_TARGETS = rss html entities timeparse config config_value inventory \
	sentiment record_json twitter discourse reddit jsonl nats query
FUZZ_CC = clang

# ---- replay programs: the harnesses without libFuzzer -----------------------
FUZZ_REPLAY_COMMON = fuzz/replay_main.c fuzz/fuzz_util.c fuzz/fuzz.h
FUZZ_REPLAY_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fuzz \
	-DFUZZ_LEXICON_DIR='"$(abs_top_srcdir)/contrib/lexicons"'

check_PROGRAMS += fuzz/replay_rss fuzz/replay_html fuzz/replay_entities \
	fuzz/replay_timeparse fuzz/replay_config fuzz/replay_config_value \
	fuzz/replay_inventory fuzz/replay_sentiment fuzz/replay_record_json \
	fuzz/replay_twitter fuzz/replay_discourse fuzz/replay_reddit fuzz/replay_jsonl \
	fuzz/replay_nats fuzz/replay_query

fuzz_replay_rss_SOURCES = fuzz/rss.c $(FUZZ_REPLAY_COMMON) \
	plugins/rss/parse.c plugins/rss/parse.h plugins/rss/repair.c plugins/rss/repair.h
fuzz_replay_rss_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/plugins/rss
fuzz_replay_rss_LDADD = $(ES_CORE_LIBS)

fuzz_replay_html_SOURCES = fuzz/html.c $(FUZZ_REPLAY_COMMON)
fuzz_replay_html_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_html_LDADD = $(ES_CORE_LIBS)

fuzz_replay_entities_SOURCES = fuzz/entities.c $(FUZZ_REPLAY_COMMON)
fuzz_replay_entities_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_entities_LDADD = $(ES_CORE_LIBS)

fuzz_replay_query_SOURCES = fuzz/query.c $(FUZZ_REPLAY_COMMON)
fuzz_replay_query_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_query_LDADD = $(ES_CORE_LIBS)

fuzz_replay_timeparse_SOURCES = fuzz/timeparse.c $(FUZZ_REPLAY_COMMON)
fuzz_replay_timeparse_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_timeparse_LDADD = $(ES_CORE_LIBS)

fuzz_replay_config_SOURCES = fuzz/config.c $(FUZZ_REPLAY_COMMON)
fuzz_replay_config_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_config_LDADD = $(ES_CORE_LIBS)

fuzz_replay_config_value_SOURCES = fuzz/config_value.c $(FUZZ_REPLAY_COMMON)
fuzz_replay_config_value_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_config_value_LDADD = $(ES_CORE_LIBS)

fuzz_replay_inventory_SOURCES = fuzz/inventory.c $(FUZZ_REPLAY_COMMON)
fuzz_replay_inventory_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_inventory_LDADD = $(ES_CORE_LIBS)

fuzz_replay_sentiment_SOURCES = fuzz/sentiment.c $(FUZZ_REPLAY_COMMON)
fuzz_replay_sentiment_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_sentiment_LDADD = $(ES_CORE_LIBS)

fuzz_replay_record_json_SOURCES = fuzz/record_json.c $(FUZZ_REPLAY_COMMON)
fuzz_replay_record_json_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_record_json_LDADD = $(ES_CORE_LIBS)

fuzz_replay_twitter_SOURCES = fuzz/twitter.c $(FUZZ_REPLAY_COMMON) \
	plugins/twitter/scan.c plugins/twitter/scan.h plugins/twitter/tweet.c plugins/twitter/tweet.h \
	plugins/twitter/tjson.c plugins/twitter/tjson.h plugins/twitter/notes.c plugins/twitter/notes.h
fuzz_replay_twitter_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/plugins/twitter
fuzz_replay_twitter_LDADD = $(ES_CORE_LIBS)

fuzz_replay_discourse_SOURCES = fuzz/discourse.c $(FUZZ_REPLAY_COMMON) \
	plugins/forum/item.c plugins/forum/item.h plugins/forum/discourse.c plugins/forum/discourse.h
fuzz_replay_discourse_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/plugins/forum
fuzz_replay_discourse_LDADD = $(ES_CORE_LIBS)

fuzz_replay_reddit_SOURCES = fuzz/reddit.c $(FUZZ_REPLAY_COMMON) \
	plugins/forum/item.c plugins/forum/item.h plugins/forum/reddit.c plugins/forum/reddit.h
fuzz_replay_reddit_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/plugins/forum
fuzz_replay_reddit_LDADD = $(ES_CORE_LIBS)

fuzz_replay_jsonl_SOURCES = fuzz/jsonl.c $(FUZZ_REPLAY_COMMON) \
	plugins/jsonl/line.c plugins/jsonl/line.h
fuzz_replay_jsonl_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/plugins/jsonl
fuzz_replay_jsonl_LDADD = $(ES_CORE_LIBS)

fuzz_replay_nats_SOURCES = fuzz/nats.c $(FUZZ_REPLAY_COMMON) \
	plugins/nats/decode.c plugins/nats/decode.h
fuzz_replay_nats_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/plugins/nats
fuzz_replay_nats_LDADD = $(ES_CORE_LIBS)

TESTS += tests/fuzz_replay.sh
dist_check_SCRIPTS += tests/fuzz_replay.sh
EXTRA_DIST += fuzz/build.sh fuzz/seed.py fuzz/rss.dict fuzz/html.dict fuzz/corpus fuzz/crashes tests/valgrind.supp

# ---- make fuzz: the libFuzzer builds (clang only, never part of `all`) ------
# DEFS, the core's include path (relative to the build directory, where
# build.sh runs) and the core's flags (the libraries' include paths) go
# through the environment; build.sh drops -Werror and the build's own sanitizer flags,
# adds libFuzzer's, and keeps its objects in fuzz/obj.
fuzz:
	@FUZZ_CC='$(FUZZ_CC)' FUZZ_DEFS='$(DEFS)' FUZZ_INCLUDES='$(ES_CORE_INCLUDES)' \
	FUZZ_DEP_CFLAGS='$(AM_CFLAGS) $(LIBPQ_CFLAGS) $(LIBARCHIVE_CFLAGS)' \
	FUZZ_LIBS='$(earshot_LDADD) $(LIBPQ_LIBS) $(LIBARCHIVE_LIBS)' FUZZ_CORE_SOURCES='$(libescore_a_SOURCES)' \
	$(SHELL) '$(abs_top_srcdir)/fuzz/build.sh' '$(abs_top_srcdir)' $(FUZZ_TARGETS)

# A CI-sized run: every target for FUZZ_SECONDS (60) after building them.
fuzz-run: fuzz
	FUZZ_BUILDDIR='$(abs_top_builddir)' $(SHELL) '$(abs_top_srcdir)/contrib/fuzz.sh'

clean-local: clean-fuzz
clean-fuzz:
	rm -rf fuzz/obj fuzz/bin fuzz/work tests/earshot-valgrind tests/valgrind-logs

# ---- make check-valgrind ----------------------------------------------------
# C test programs run under contrib/valgrind.sh (LOG_COMPILER); the shell
# tests call $EARSHOT, which becomes a wrapper that execs the real binary
# under valgrind. TESTS="..." on the command line picks a subset.
check-valgrind:
	@command -v valgrind >/dev/null 2>&1 || { \
	  echo "make check-valgrind: valgrind not found (apt-get install valgrind)" >&2; exit 1; }
	@test -z '$(ES_SAN_CFLAGS)' || { \
	  echo "make check-valgrind: this build uses sanitizers; configure without --enable-sanitizers" >&2; exit 1; }
	@$(MKDIR_P) tests
	@printf '#!/bin/sh\nexec "%s/contrib/valgrind.sh" "%s/earshot" "$$@"\n' \
	  '$(abs_top_srcdir)' '$(abs_top_builddir)' > tests/earshot-valgrind
	@chmod +x tests/earshot-valgrind
	@rm -rf tests/valgrind-logs
	@st=0; $(MAKE) $(AM_MAKEFLAGS) check LOG_COMPILER='$(abs_top_srcdir)/contrib/valgrind.sh' \
	  TESTS_ENVIRONMENT='EARSHOT=$(abs_top_builddir)/tests/earshot-valgrind; export EARSHOT; ES_VALGRIND=$(abs_top_srcdir)/contrib/valgrind.sh; export ES_VALGRIND; VALGRIND_LOG_DIR=$(abs_top_builddir)/tests/valgrind-logs; export VALGRIND_LOG_DIR;' || st=$$?; \
	  n=0; for f in tests/valgrind-logs/vg.*.log; do \
	    test -s "$$f" || continue; n=`expr $$n + 1`; \
	    echo "==== valgrind: `cat "$${f%.log}.cmd" 2>/dev/null`"; head -60 "$$f"; \
	  done; \
	  runs=`ls tests/valgrind-logs/vg.*.cmd 2>/dev/null | wc -l`; \
	  echo "check-valgrind: $$runs processes under valgrind, $$n with errors or leaks (reports in tests/valgrind-logs)"; \
	  test $$n -eq 0 && test $$st -eq 0

.PHONY: fuzz fuzz-run clean-fuzz check-valgrind
