# core/report: `earshot report`, included by the top-level Makefile.am.
# The page reads the sql sink's database: SQLite, or PostgreSQL through
# libpq (its headers for db.c, the library for the binary).

libescore_a_SOURCES += \
	core/report/report.h core/report/svg.h \
	core/report/db.c core/report/collect.c core/report/issues.c \
	core/report/html.c core/report/svg.c core/report/render.c \
	core/report/sections.c core/report/accounts.c core/report/cmd_report.c

AM_CFLAGS += $(LIBPQ_CFLAGS)
earshot_LDADD += $(LIBPQ_LIBS)

EXTRA_DIST += docs/report.md
