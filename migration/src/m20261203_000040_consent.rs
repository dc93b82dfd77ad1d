//! Consent and its audit trail (`docs/decisions/0060-consent.md`):
//!
//! - `consent_audit_logs` is append-only in the database itself: a trigger refuses every `UPDATE`
//!   and `TRUNCATE`, and every `DELETE` but the cascade of its consent's deletion, whichever role
//!   connects (owners and superusers included).
//! - `video_consents` rows go only with their video or creator (the cascade of deleting one of
//!   them), so a consent and its log cannot be deleted on their own either.
//! - `video_revocations`: every revocation and restoration of a video (`revokeVideo`,
//!   `restoreVideo`), append-only like the consent log, with who, why, from where and the
//!   processing status the video had.
//! - `visibility_generation`: one counter, bumped by every statement that changes who may see a
//!   video or a key moment (consent rows, `processing_status`, review and chapter status). Every
//!   replica's search cache compares it before answering from memory, so a consent change takes
//!   effect on the next request everywhere.

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
CREATE FUNCTION consent_audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM video_consents WHERE id = OLD.video_consent_id) THEN
        -- The cascade of the consent's own deletion (which only its video's or creator's allows).
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consent_audit_logs is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER consent_audit_logs_append_only BEFORE UPDATE OR DELETE ON consent_audit_logs
    FOR EACH ROW EXECUTE FUNCTION consent_audit_logs_append_only();
CREATE TRIGGER consent_audit_logs_no_truncate BEFORE TRUNCATE ON consent_audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION consent_audit_logs_append_only();

CREATE FUNCTION video_consents_delete_with_video() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM source_videos WHERE id = OLD.source_video_id)
       OR NOT EXISTS (SELECT 1 FROM creators WHERE id = OLD.creator_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'a video consent goes only with its video or creator'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER video_consents_delete_with_video BEFORE DELETE ON video_consents
    FOR EACH ROW EXECUTE FUNCTION video_consents_delete_with_video();

CREATE TABLE video_revocations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_video_id uuid NOT NULL REFERENCES source_videos (id) ON DELETE CASCADE,
    revoked         boolean NOT NULL,
    reason          text NOT NULL,
    previous_status processing_status NOT NULL,
    changed_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    ip_address      varchar(45),
    created_at      timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT video_revocations_reason_length CHECK (char_length(reason) BETWEEN 1 AND 2000)
);
CREATE INDEX video_revocations_video_idx ON video_revocations (source_video_id, created_at DESC);

CREATE FUNCTION video_revocations_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM source_videos WHERE id = OLD.source_video_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'video_revocations is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER video_revocations_append_only BEFORE UPDATE OR DELETE ON video_revocations
    FOR EACH ROW EXECUTE FUNCTION video_revocations_append_only();
CREATE TRIGGER video_revocations_no_truncate BEFORE TRUNCATE ON video_revocations
    FOR EACH STATEMENT EXECUTE FUNCTION video_revocations_append_only();

CREATE INDEX consent_audit_logs_created_idx ON consent_audit_logs (created_at DESC, id);

CREATE TABLE visibility_generation (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    generation bigint NOT NULL DEFAULT 0
);
INSERT INTO visibility_generation DEFAULT VALUES;
CREATE FUNCTION visibility_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE visibility_generation SET generation = generation + 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER video_consents_visibility AFTER INSERT OR UPDATE OR DELETE ON video_consents
    FOR EACH STATEMENT EXECUTE FUNCTION visibility_generation_bump();
CREATE TRIGGER source_videos_visibility AFTER UPDATE OF processing_status ON source_videos
    FOR EACH STATEMENT EXECUTE FUNCTION visibility_generation_bump();
CREATE TRIGGER key_moments_visibility AFTER UPDATE OF review_status, chapter_status ON key_moments
    FOR EACH STATEMENT EXECUTE FUNCTION visibility_generation_bump();
"#;

const DOWN: &str = r#"
DROP TRIGGER IF EXISTS key_moments_visibility ON key_moments;
DROP TRIGGER IF EXISTS source_videos_visibility ON source_videos;
DROP TRIGGER IF EXISTS video_consents_visibility ON video_consents;
DROP FUNCTION IF EXISTS visibility_generation_bump();
DROP TABLE IF EXISTS visibility_generation;
DROP INDEX IF EXISTS consent_audit_logs_created_idx;
DROP TABLE IF EXISTS video_revocations;
DROP FUNCTION IF EXISTS video_revocations_append_only();
DROP TRIGGER IF EXISTS video_consents_delete_with_video ON video_consents;
DROP FUNCTION IF EXISTS video_consents_delete_with_video();
DROP TRIGGER IF EXISTS consent_audit_logs_no_truncate ON consent_audit_logs;
DROP TRIGGER IF EXISTS consent_audit_logs_append_only ON consent_audit_logs;
DROP FUNCTION IF EXISTS consent_audit_logs_append_only();
"#;
