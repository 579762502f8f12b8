# plugins/sql: automake fragment, included by the top-level Makefile.am.
# The sql sink: SQLite (embedded default) and PostgreSQL (libpq).
pkglib_LTLIBRARIES += plugins/sql/sql.la
plugins_sql_sql_la_SOURCES = plugins/sql/plugin.c plugins/sql/backend.h \
	plugins/sql/dsn.c plugins/sql/dsn.h \
	plugins/sql/schema.c plugins/sql/schema.h \
	plugins/sql/row.c plugins/sql/row.h \
	plugins/sql/plan.c plugins/sql/plan.h \
	plugins/sql/sqlite.c plugins/sql/sqlite_bind.c plugins/sql/sqlite_bind.h \
	plugins/sql/pg.h plugins/sql/pg_conn.c plugins/sql/pg_write.c \
	plugins/sql/pg_copy.c
plugins_sql_sql_la_CPPFLAGS = $(ES_PLUGIN_CPPFLAGS)
plugins_sql_sql_la_CFLAGS = $(AM_CFLAGS) $(SQLITE3_CFLAGS) $(LIBPQ_CFLAGS) $(LIBCRYPTO_CFLAGS)
plugins_sql_sql_la_LDFLAGS = $(ES_PLUGIN_LINK)
plugins_sql_sql_la_LIBADD = $(SQLITE3_LIBS) $(LIBPQ_LIBS) $(LIBCRYPTO_LIBS)

# End to end through the daemon: SQLite always; PostgreSQL with a server
# the test starts from Debian's postgresql package (skipped without it).
TESTS += tests/sql_sqlite_test.sh tests/sql_pg_test.sh
dist_check_SCRIPTS += tests/sql_sqlite_test.sh tests/sql_pg_test.sh tests/sql_pglib.sh
EXTRA_DIST += tests/data/sql

# The pure parts (DSN, SQL, rows) compiled straight into their test.
check_PROGRAMS += tests/sql_row_test
tests_sql_row_test_SOURCES = tests/sql_row_test.c tests/tap.h tests/sql_insert.h \
	plugins/sql/dsn.c plugins/sql/dsn.h plugins/sql/schema.c plugins/sql/schema.h \
	plugins/sql/row.c plugins/sql/row.h plugins/sql/sqlite_bind.c plugins/sql/sqlite_bind.h
tests_sql_row_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/sql
tests_sql_row_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/sql_row_test

# The multi-row plan, against one-row-at-a-time writes in SQLite.
check_PROGRAMS += tests/sql_plan_test
tests_sql_plan_test_SOURCES = tests/sql_plan_test.c tests/tap.h \
	plugins/sql/plan.c plugins/sql/plan.h plugins/sql/schema.c plugins/sql/schema.h plugins/sql/row.h \
	plugins/sql/sqlite_bind.c plugins/sql/sqlite_bind.h
tests_sql_plan_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/sql
tests_sql_plan_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/sql_plan_test

# The field table of <earshot/fields.h> against the core's copy, JSON
# writer and readers, and this sink's columns and rows in SQLite.
check_PROGRAMS += tests/fields_test
tests_fields_test_SOURCES = tests/fields_test.c tests/tap.h tests/sql_insert.h \
	plugins/sql/schema.c plugins/sql/schema.h plugins/sql/row.c plugins/sql/row.h \
	plugins/sql/sqlite_bind.c plugins/sql/sqlite_bind.h
tests_fields_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/plugins/sql
tests_fields_test_LDADD = $(ES_CORE_LIBS)
TESTS += tests/fields_test
