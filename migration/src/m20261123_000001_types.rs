//! The data model's enum types, and the trigger that keeps `updated_at` current.

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
CREATE TYPE content_type AS ENUM ('tutorial', 'tip', 'exploration', 'walkthrough');
CREATE TYPE processing_status AS ENUM ('queued', 'in_progress', 'complete', 'errored', 'revoked');
CREATE TYPE key_moment_content_type AS ENUM ('technique', 'concept', 'workflow', 'reference');
CREATE TYPE source_quality AS ENUM ('high', 'medium', 'low');
CREATE TYPE relationship_type AS ENUM ('related', 'prerequisite', 'builds_on');
CREATE TYPE report_type AS ENUM ('inaccuracy', 'missing_info', 'offensive', 'other');
CREATE TYPE report_status AS ENUM ('open', 'acknowledged', 'resolved', 'dismissed');
CREATE TYPE pipeline_run_status AS ENUM ('pending', 'running', 'completed', 'failed', 'revoked');
CREATE TYPE pipeline_run_trigger AS ENUM ('auto', 'manual', 'retrigger', 'clean_retrigger');
CREATE TYPE user_role AS ENUM ('admin', 'creator');
CREATE TYPE consent_field AS ENUM ('kb_inclusion', 'training_usage', 'public_display');
CREATE TYPE highlight_status AS ENUM ('candidate', 'approved', 'rejected');
CREATE TYPE chapter_status AS ENUM ('draft', 'approved', 'hidden');
CREATE TYPE format_preset AS ENUM ('vertical', 'square', 'horizontal');
CREATE TYPE short_status AS ENUM ('pending', 'processing', 'complete', 'failed');

-- Timestamps are UTC held in `timestamp without time zone` (data model D002).
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now() AT TIME ZONE 'utc';
    RETURN NEW;
END;
$$;
"#;

const DOWN: &str = r#"
DROP FUNCTION IF EXISTS set_updated_at();
DROP TYPE IF EXISTS short_status, format_preset, chapter_status, highlight_status, consent_field,
    user_role, pipeline_run_trigger, pipeline_run_status, report_status, report_type,
    relationship_type, source_quality, key_moment_content_type, processing_status, content_type;
"#;
