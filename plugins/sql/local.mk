# plugins/sql: automake fragment, included by the top-level Makefile.am.
# The sql sink: SQLite (embedded default) and PostgreSQL (libpq).
pkglib_LTLIBRARIES += plugins/sql/sql.la
plugins_sql_sql_la_SOURCES = plugins/sql/plugin.c plugins/sql/backend.h \
	plugins/sql/dsn.c plugins/sql/dsn.h \
	plugins/sql/schema.c plugins/sql/schema.h \
	plugins/sql/row.c plugins/sql/row.h \
	plugins/sql/sqlite.c \
	plugins/sql/pg.h plugins/sql/pg_conn.c plugins/sql/pg_write.c
plugins_sql_sql_la_CFLAGS = $(AM_CFLAGS) $(SQLITE3_CFLAGS) $(LIBPQ_CFLAGS) $(LIBCRYPTO_CFLAGS)
plugins_sql_sql_la_LDFLAGS = $(ES_PLUGIN_LINK)
plugins_sql_sql_la_LIBADD = $(SQLITE3_LIBS) $(LIBPQ_LIBS) $(LIBCRYPTO_LIBS)
