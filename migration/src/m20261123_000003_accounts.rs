//! Accounts: users, invite codes, follows, and per-video consent with its append-only audit log.
//!
//! Deleting a user never deletes content or audit history: references from content and logs to a
//! user are `ON DELETE SET NULL`; a user's own follows and digests go with the user.

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
CREATE TABLE users (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email                    varchar(255) NOT NULL,
    hashed_password          varchar(255) NOT NULL,
    display_name             varchar(255) NOT NULL,
    role                     user_role NOT NULL DEFAULT 'creator',
    creator_id               uuid REFERENCES creators (id) ON DELETE SET NULL,
    is_active                boolean NOT NULL DEFAULT true,
    notification_preferences jsonb NOT NULL
        DEFAULT '{"digest_enabled": true, "digest_frequency": "weekly"}'::jsonb,
    onboarding_completed     boolean NOT NULL DEFAULT false,
    created_at               timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at               timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_normalized CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%')
);
CREATE INDEX users_creator_id_idx ON users (creator_id) WHERE creator_id IS NOT NULL;
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE invite_codes (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code           varchar(100) NOT NULL,
    uses_remaining integer NOT NULL DEFAULT 1,
    created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    expires_at     timestamp,
    created_at     timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT invite_codes_code_key UNIQUE (code),
    CONSTRAINT invite_codes_uses_remaining_non_negative CHECK (uses_remaining >= 0)
);

CREATE TABLE creator_follows (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    creator_id uuid NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
    created_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT creator_follows_user_creator_key UNIQUE (user_id, creator_id)
);
CREATE INDEX creator_follows_creator_id_idx ON creator_follows (creator_id);

CREATE TABLE video_consents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_video_id uuid NOT NULL REFERENCES source_videos (id) ON DELETE CASCADE,
    creator_id      uuid NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
    kb_inclusion    boolean NOT NULL DEFAULT false,
    training_usage  boolean NOT NULL DEFAULT false,
    public_display  boolean NOT NULL DEFAULT true,
    updated_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at      timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT video_consents_source_video_id_key UNIQUE (source_video_id)
);
CREATE INDEX video_consents_creator_id_idx ON video_consents (creator_id);
CREATE TRIGGER video_consents_updated_at BEFORE UPDATE ON video_consents
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE consent_audit_logs (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    video_consent_id uuid NOT NULL REFERENCES video_consents (id) ON DELETE CASCADE,
    version          integer NOT NULL,
    field_name       consent_field NOT NULL,
    old_value        boolean,
    new_value        boolean NOT NULL,
    changed_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    ip_address       varchar(45),
    created_at       timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT consent_audit_logs_version_key UNIQUE (video_consent_id, version),
    CONSTRAINT consent_audit_logs_version_positive CHECK (version >= 1)
);
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS consent_audit_logs, video_consents, creator_follows, invite_codes, users;
"#;
