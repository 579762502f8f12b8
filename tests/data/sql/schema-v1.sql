-- Version 1 of the sql plugin's SQLite schema (plugins/sql/schema.c,
-- MIGRATION_1) with one mention, as an earshot of that version left it.
BEGIN;
CREATE TABLE schema_version ( version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
CREATE TABLE mentions ( id TEXT PRIMARY KEY NOT NULL, network TEXT NOT NULL, source TEXT, author TEXT, author_name TEXT, url TEXT, title TEXT, text TEXT NOT NULL, lang TEXT, created_at INTEGER, in_reply_to TEXT, reply_to_author TEXT, addressed TEXT, brand TEXT, author_kind TEXT, owner TEXT, addressed_account TEXT, sentiment_compound REAL, sentiment_pos REAL, sentiment_neu REAL, sentiment_neg REAL, sentiment_label TEXT, received_at INTEGER NOT NULL);
CREATE TABLE alerts ( id TEXT PRIMARY KEY NOT NULL, event TEXT NOT NULL, brand TEXT, owner TEXT, network TEXT, series TEXT, bucket_start INTEGER, bucket_end INTEGER, count INTEGER, total INTEGER, p_value REAL, fields TEXT NOT NULL, received_at INTEGER NOT NULL);
CREATE TABLE account_events ( id TEXT PRIMARY KEY NOT NULL, event TEXT NOT NULL, network TEXT, handle TEXT, brand TEXT, owner TEXT, mention_id TEXT, fields TEXT NOT NULL, received_at INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1, 1790000000);
INSERT INTO mentions (id, network, source, author, text, lang, created_at, addressed, brand, sentiment_compound, sentiment_pos, sentiment_neu, sentiment_neg, sentiment_label, received_at)
  VALUES ('old:1', 'old', 'legacy', 'ann', 'Acme was fine back then', 'en', 1789999000, '[]', 'acme', 0.2023, 0.3, 0.7, 0.0, 'positive', 1790000000);
COMMIT;
