//! Content reports and moderation (`docs/decisions/0061-reports.md`):
//!
//! - `content_reports.creator_id`: the reported content's creator (null for what has none, or once
//!   the creator is gone), so a creator's users can read the reports about their content.
//! - `content_reports.reporter_key`: who filed it for de-duplication (`user:<id>`, or `ip:<address>`
//!   for anonymous reporters); one report per reporter and target stays open: filing again returns
//!   it.

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
ALTER TABLE content_reports ADD COLUMN creator_id uuid REFERENCES creators (id) ON DELETE SET NULL;
ALTER TABLE content_reports ADD COLUMN reporter_key varchar(100);
CREATE INDEX content_reports_creator_idx ON content_reports (creator_id, created_at DESC);
CREATE UNIQUE INDEX content_reports_open_per_reporter
    ON content_reports (target_type, target_id, reporter_key)
    WHERE status IN ('open', 'acknowledged') AND reporter_key IS NOT NULL;
"#;

const DOWN: &str = r#"
DROP INDEX IF EXISTS content_reports_open_per_reporter;
DROP INDEX IF EXISTS content_reports_creator_idx;
ALTER TABLE content_reports DROP COLUMN IF EXISTS reporter_key;
ALTER TABLE content_reports DROP COLUMN IF EXISTS creator_id;
"#;
