/*
 * The sql sink's tables, their migrations and the insert statements, for
 * both dialects. Identifiers and DDL are constants of this file; values
 * only ever travel as bound parameters.
 */
#ifndef ES_SQL_SCHEMA_H
#define ES_SQL_SCHEMA_H

typedef enum {
    SQL_SQLITE = 0,
    SQL_PG = 1,
} sql_dialect_t;

enum {
    SQL_T_MENTION = 0,
    SQL_T_ALERT = 1,
    SQL_T_ACCOUNT = 2,
    SQL_T_MENTION_BRAND = 3, /* one per brand of a mention (schema 3) */
    SQL_T_MENTION_TOPIC = 4, /* one per topic of a mention */
    SQL_T_WITHDRAWN = 5,     /* a deletion record (schema 5); its trigger
                                deletes the mention and its matches */
    SQL_N_TABLES = 6,
};

#define SQL_MAX_COLS 29

/* Latest schema version this build knows. */
int sql_schema_latest(void);

/* DDL (several statements) taking a database from version - 1 to
 * `version` (1..latest). Does not touch schema_version. */
const char *sql_schema_migration(sql_dialect_t d, int version);

/* DDL of the schema_version table itself (idempotent). */
const char *sql_schema_version_table(sql_dialect_t d);

/* The name of column `col` of the mentions insert (from the field table
 * of <earshot/fields.h>); NULL past the last. */
const char *sql_mention_col(int col);

/* Table name and number of bound columns of an insert. */
const char *sql_table_name(int table);
int sql_table_ncols(int table);

/* The idempotent insert of one row of `table` with numbered parameters
 * (?N or $N), malloc'd; NULL on ENOMEM. */
char *sql_insert_sql(sql_dialect_t d, int table);

/* The same insert of k rows in one statement (VALUES (..), (..) ...; the
 * parameters of row j are j * ncols + 1 ... (j + 1) * ncols). k = 1 is
 * sql_insert_sql's text. */
char *sql_insert_sql_rows(sql_dialect_t d, int table, int k);

/* PostgreSQL's COPY path, malloc'd (NULL on ENOMEM): the DDL of the
 * session's staging tables (temporary, emptied at every commit; not for
 * withdrawn rows), the COPY of a table's insert columns into the table
 * itself or into its staging table, and the idempotent INSERT ... SELECT
 * from the staging table into the table. */
char *sql_pg_stage_ddl(void);
char *sql_pg_copy_sql(int table, int staging);
char *sql_pg_stage_insert_sql(int table);

#endif
