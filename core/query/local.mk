# core/query: automake fragment, included by the top-level Makefile.am.

libescore_a_SOURCES += \
	core/query/query.h core/query/token.c core/query/parse.c core/query/matcher.c

EXTRA_DIST += docs/queries.md
