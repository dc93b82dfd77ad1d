//! Full-text search: a text search configuration, generated `search_vector` columns and their GIN
//! indexes on the four searchable tables.
//!
//! - `patchbay_search`: the `english` configuration (stemming, stop words) with `unaccent` in front
//!   of it, so "Déjà" finds "deja" and the reverse.
//! - `patchbay_search_words(text[])`: joins an array's elements for indexing (`array_to_string` is
//!   only STABLE, which generated columns refuse).
//! - `search_vector` (generated, stored): weight A for names and titles, B for categories, tags,
//!   plugins and genres, C for summaries and bios, D for a page's body text. Transcript segments
//!   index their text at weight D.
//!
//! Generated columns are the database's business: entities leave them out (`scripts/gen-entities.sh`
//! drops them from the scratch database it generates from) and nothing ever writes them.
//! `docs/decisions/0040-search.md` explains the choices.

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION patchbay_search (COPY = english);
ALTER TEXT SEARCH CONFIGURATION patchbay_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, english_stem;

CREATE FUNCTION patchbay_search_words(words text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT array_to_string(words, ' ') $$;

ALTER TABLE creators ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('patchbay_search', name), 'A')
    || setweight(to_tsvector('patchbay_search', coalesce(patchbay_search_words(genres), '')), 'B')
    || setweight(to_tsvector('patchbay_search', coalesce(bio, '')), 'C')
) STORED;
CREATE INDEX creators_search_idx ON creators USING gin (search_vector);

ALTER TABLE technique_pages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('patchbay_search', title), 'A')
    || setweight(to_tsvector('patchbay_search',
           coalesce(topic_category, '') || ' '
           || coalesce(patchbay_search_words(topic_tags), '') || ' '
           || coalesce(patchbay_search_words(plugins), '')), 'B')
    || setweight(to_tsvector('patchbay_search', summary), 'C')
    || setweight(jsonb_to_tsvector('patchbay_search', body_sections, '["string"]'), 'D')
) STORED;
CREATE INDEX technique_pages_search_idx ON technique_pages USING gin (search_vector);

ALTER TABLE key_moments ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('patchbay_search', title), 'A')
    || setweight(to_tsvector('patchbay_search',
           coalesce(topic_category, '') || ' '
           || coalesce(patchbay_search_words(topic_tags), '')), 'B')
    || setweight(to_tsvector('patchbay_search', summary), 'C')
) STORED;
CREATE INDEX key_moments_search_idx ON key_moments USING gin (search_vector);

ALTER TABLE transcript_segments ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('patchbay_search', text), 'D')
) STORED;
CREATE INDEX transcript_segments_search_idx ON transcript_segments USING gin (search_vector);

CREATE INDEX search_logs_user_idx ON search_logs (user_id, created_at);
"#;

const DOWN: &str = r#"
DROP INDEX IF EXISTS search_logs_user_idx;
ALTER TABLE transcript_segments DROP COLUMN IF EXISTS search_vector;
ALTER TABLE key_moments DROP COLUMN IF EXISTS search_vector;
ALTER TABLE technique_pages DROP COLUMN IF EXISTS search_vector;
ALTER TABLE creators DROP COLUMN IF EXISTS search_vector;
DROP FUNCTION IF EXISTS patchbay_search_words(text[]);
DROP TEXT SEARCH CONFIGURATION IF EXISTS patchbay_search;
DROP EXTENSION IF EXISTS unaccent;
"#;
