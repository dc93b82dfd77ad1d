//! Editorial workflows (`docs/decisions/0050-editorial.md`):
//!
//! - `technique_pages.version`: the page's current version number (0 before its first version),
//!   kept equal to the highest `technique_page_versions.version_number` by a trigger on that table,
//!   so every writer (the editing service, the pipeline, the seed, test fixtures) keeps it right.
//!   Optimistic concurrency compares it with a client's `expectedVersion`.
//! - `technique_pages` no longer bumps `updated_at` for a change of `view_count` or `version` only:
//!   a page read a thousand times was not updated a thousand times.
//! - `technique_page_old_slugs`: slugs a page had before a curator changed it; `techniquePage(slug:)`
//!   keeps resolving them.
//! - `technique_page_views`: the last counted view per (page, viewer), so `recordTechniquePageView`
//!   counts one view per viewer per page per 30 minutes; rows older than that are pruned.
//! - `key_moments.version`: bumped by every curator edit of the moment (optimistic concurrency).
//! - `related_technique_links` is unique per (source, target, relationship): two pages may be both
//!   related and prerequisite, never twice the same.

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
ALTER TABLE technique_pages ADD COLUMN version integer NOT NULL DEFAULT 0;
ALTER TABLE technique_pages ADD CONSTRAINT technique_pages_version_non_negative CHECK (version >= 0);
UPDATE technique_pages p SET version = v.max_version
    FROM (SELECT technique_page_id, max(version_number) AS max_version
          FROM technique_page_versions GROUP BY technique_page_id) v
    WHERE v.technique_page_id = p.id;

CREATE FUNCTION technique_pages_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF to_jsonb(NEW) - ARRAY['view_count', 'version', 'updated_at', 'search_vector']
        IS DISTINCT FROM to_jsonb(OLD) - ARRAY['view_count', 'version', 'updated_at', 'search_vector'] THEN
        NEW.updated_at := now() AT TIME ZONE 'utc';
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER technique_pages_updated_at ON technique_pages;
CREATE TRIGGER technique_pages_updated_at BEFORE UPDATE ON technique_pages
    FOR EACH ROW EXECUTE FUNCTION technique_pages_touch();

CREATE FUNCTION technique_page_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE technique_pages SET version = NEW.version_number
        WHERE id = NEW.technique_page_id AND version < NEW.version_number;
    RETURN NULL;
END;
$$;
CREATE TRIGGER technique_page_versions_bump AFTER INSERT ON technique_page_versions
    FOR EACH ROW EXECUTE FUNCTION technique_page_versions_bump();

CREATE TABLE technique_page_old_slugs (
    slug              varchar(255) PRIMARY KEY,
    technique_page_id uuid NOT NULL REFERENCES technique_pages (id) ON DELETE CASCADE,
    created_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT technique_page_old_slugs_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
CREATE INDEX technique_page_old_slugs_page_idx ON technique_page_old_slugs (technique_page_id);

CREATE TABLE technique_page_views (
    technique_page_id uuid NOT NULL REFERENCES technique_pages (id) ON DELETE CASCADE,
    viewer_key        varchar(100) NOT NULL,
    counted_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    PRIMARY KEY (technique_page_id, viewer_key)
);
CREATE INDEX technique_page_views_counted_at_idx ON technique_page_views (counted_at);

ALTER TABLE key_moments ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE key_moments ADD CONSTRAINT key_moments_version_positive CHECK (version >= 1);

ALTER TABLE related_technique_links DROP CONSTRAINT related_technique_links_pair_key;
ALTER TABLE related_technique_links ADD CONSTRAINT related_technique_links_pair_key
    UNIQUE (source_page_id, target_page_id, relationship);
"#;

const DOWN: &str = r#"
ALTER TABLE related_technique_links DROP CONSTRAINT related_technique_links_pair_key;
ALTER TABLE related_technique_links ADD CONSTRAINT related_technique_links_pair_key
    UNIQUE (source_page_id, target_page_id);
ALTER TABLE key_moments DROP COLUMN IF EXISTS version;
DROP TABLE IF EXISTS technique_page_views, technique_page_old_slugs;
DROP TRIGGER IF EXISTS technique_page_versions_bump ON technique_page_versions;
DROP FUNCTION IF EXISTS technique_page_versions_bump();
DROP TRIGGER IF EXISTS technique_pages_updated_at ON technique_pages;
CREATE TRIGGER technique_pages_updated_at BEFORE UPDATE ON technique_pages
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
DROP FUNCTION IF EXISTS technique_pages_touch();
ALTER TABLE technique_pages DROP COLUMN IF EXISTS version;
"#;
