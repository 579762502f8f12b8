# core/report: `earshot report`, included by the top-level Makefile.am.
# The page reads the sql sink's database: SQLite, or PostgreSQL through
# libpq (its headers for db.c, the library for the binary).

libescore_a_SOURCES += \
	core/report/report.h core/report/svg.h \
	core/report/db.c core/report/collect.c core/report/issues.c \
	core/report/collect_detail.c core/report/phrases.c core/report/filters.c \
	core/report/cube.c core/report/tcube.c core/report/xcube.c core/report/script.c \
	core/report/sections.h core/report/sec_sov.c core/report/sec_trend.c core/report/sec_alerts.c \
	core/report/sec_topics.c core/report/sec_people.c core/report/sec_breakdown.c \
	core/report/html.c core/report/svg.c core/report/render.c \
	core/report/sections.c core/report/accounts.c core/report/page.c \
	core/report/live.c core/report/live.h core/report/cmd_report.c

AM_CFLAGS += $(LIBPQ_CFLAGS)
earshot_LDADD += $(LIBPQ_LIBS)

TESTS += tests/report_test.sh tests/report_pg_test.sh tests/report_sections_test.sh tests/report_layout_test.sh \
	tests/report_filter_test.sh
dist_check_SCRIPTS += tests/report_test.sh tests/report_pg_test.sh tests/report_sections_test.sh \
	tests/report_layout_test.sh tests/report_layout_check.js tests/report_filter_test.sh \
	tests/report_filter_check.js tests/report_filter_compare.py
EXTRA_DIST += tests/data/report core/report/screenshot.sh

# A page built from the test fixture, and its screenshot by headless
# Chromium (Debian package chromium), for a person to look at:
# report-screenshot/report.html and report-screenshot/report.png.
report-screenshot: earshot plugins/jsonl/jsonl.la plugins/sql/sql.la
	EARSHOT='$(abs_top_builddir)/earshot' top_srcdir='$(abs_top_srcdir)' \
	EARSHOT_PLUGIN_PATH='$(abs_top_builddir)/plugins/jsonl/.libs:$(abs_top_builddir)/plugins/sql/.libs' \
	$(SHELL) '$(abs_top_srcdir)/core/report/screenshot.sh' '$(abs_top_builddir)/report-screenshot'
.PHONY: report-screenshot

check_PROGRAMS += tests/report_html
TESTS += tests/report_html
tests_report_html_SOURCES = tests/report_html.c tests/tap.h
tests_report_html_LDADD = $(ES_CORE_LIBS)

clean-local: clean-report-screenshot
clean-report-screenshot:
	rm -rf report-screenshot report-layout
.PHONY: clean-report-screenshot
