-- Version 1 of the sql plugin's PostgreSQL schema (plugins/sql/schema.c,
-- MIGRATION_1) with one mention, as an earshot of that version left it.
BEGIN;
CREATE TABLE schema_version ( version integer PRIMARY KEY, applied_at bigint NOT NULL);
CREATE TABLE mentions ( id text PRIMARY KEY NOT NULL, network text NOT NULL, source text, author text, author_name text, url text, title text, text text NOT NULL, lang text, created_at bigint, in_reply_to text, reply_to_author text, addressed jsonb, brand text, author_kind text, owner text, addressed_account text, sentiment_compound double precision, sentiment_pos double precision, sentiment_neu double precision, sentiment_neg double precision, sentiment_label text, received_at bigint NOT NULL);
CREATE TABLE alerts ( id text PRIMARY KEY NOT NULL, event text NOT NULL, brand text, owner text, network text, series text, bucket_start bigint, bucket_end bigint, count bigint, total bigint, p_value double precision, fields jsonb NOT NULL, received_at bigint NOT NULL);
CREATE TABLE account_events ( id text PRIMARY KEY NOT NULL, event text NOT NULL, network text, handle text, brand text, owner text, mention_id text, fields jsonb NOT NULL, received_at bigint NOT NULL);
INSERT INTO schema_version VALUES (1, 1790000000);
INSERT INTO mentions (id, network, source, author, text, lang, created_at, addressed, brand, sentiment_compound, sentiment_pos, sentiment_neu, sentiment_neg, sentiment_label, received_at)
  VALUES ('old:1', 'old', 'legacy', 'ann', 'Acme was fine back then', 'en', 1789999000, '[]', 'acme', 0.2023, 0.3, 0.7, 0.0, 'positive', 1790000000);
COMMIT;
