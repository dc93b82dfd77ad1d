//! Highlights and what is made of them (generated shorts), and creators' posts with attachments.

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
CREATE TABLE highlight_candidates (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key_moment_id   uuid NOT NULL REFERENCES key_moments (id) ON DELETE CASCADE,
    source_video_id uuid NOT NULL REFERENCES source_videos (id) ON DELETE CASCADE,
    score           double precision NOT NULL,
    score_breakdown jsonb NOT NULL DEFAULT '{}'::jsonb,
    duration_secs   double precision NOT NULL,
    status          highlight_status NOT NULL DEFAULT 'candidate',
    trim_start      double precision,
    trim_end        double precision,
    created_at      timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at      timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT highlight_candidates_key_moment_id_key UNIQUE (key_moment_id),
    CONSTRAINT highlight_candidates_score_range CHECK (score >= 0 AND score <= 1),
    CONSTRAINT highlight_candidates_duration_non_negative CHECK (duration_secs >= 0),
    CONSTRAINT highlight_candidates_trim_order
        CHECK (trim_start IS NULL OR trim_end IS NULL OR trim_end >= trim_start)
);
CREATE INDEX highlight_candidates_source_video_id_idx ON highlight_candidates (source_video_id);
CREATE TRIGGER highlight_candidates_updated_at BEFORE UPDATE ON highlight_candidates
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE generated_shorts (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    highlight_candidate_id uuid NOT NULL REFERENCES highlight_candidates (id) ON DELETE CASCADE,
    preset                 format_preset NOT NULL,
    status                 short_status NOT NULL DEFAULT 'pending',
    object_key             varchar(1000) NOT NULL,
    file_size              integer,
    duration_secs          double precision,
    error_message          text,
    share_token            varchar(16),
    captions_enabled       boolean NOT NULL DEFAULT false,
    created_at             timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at             timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT generated_shorts_highlight_preset_key UNIQUE (highlight_candidate_id, preset),
    CONSTRAINT generated_shorts_file_size_non_negative CHECK (file_size >= 0)
);
CREATE UNIQUE INDEX generated_shorts_share_token_key ON generated_shorts (share_token)
    WHERE share_token IS NOT NULL;
CREATE TRIGGER generated_shorts_updated_at BEFORE UPDATE ON generated_shorts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE posts (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title        text NOT NULL,
    body         jsonb NOT NULL DEFAULT '{"type": "doc", "content": []}'::jsonb,
    is_published boolean NOT NULL DEFAULT false,
    creator_id   uuid NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
    created_at   timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at   timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE INDEX posts_creator_id_idx ON posts (creator_id, created_at DESC);
CREATE TRIGGER posts_updated_at BEFORE UPDATE ON posts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE post_attachments (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    post_id      uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    filename     varchar(500) NOT NULL,
    content_type varchar(255) NOT NULL,
    object_key   varchar(1000) NOT NULL,
    file_size    integer NOT NULL,
    created_at   timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT post_attachments_object_key_key UNIQUE (object_key),
    CONSTRAINT post_attachments_file_size_non_negative CHECK (file_size >= 0)
);
CREATE INDEX post_attachments_post_id_idx ON post_attachments (post_id);
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS post_attachments, posts, generated_shorts, highlight_candidates;
"#;
