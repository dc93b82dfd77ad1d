//! Core content: creators, their videos with transcripts and key moments, technique pages with
//! versions, tags, related links and source videos.
//!
//! Owned content cascades with its owner (a creator's videos and pages go with the creator, a
//! video's segments and moments with the video); `docs/decisions/0002-schema.md` has the full list.

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
CREATE TABLE creators (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                varchar(255) NOT NULL,
    slug                varchar(255) NOT NULL,
    genres              text[] NOT NULL DEFAULT '{}',
    avatar_url          varchar(1000),
    bio                 text,
    social_links        jsonb NOT NULL DEFAULT '{}'::jsonb,
    featured            boolean NOT NULL DEFAULT false,
    personality_profile jsonb,
    shorts_template     jsonb,
    created_at          timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at          timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT creators_name_key UNIQUE (name),
    CONSTRAINT creators_slug_key UNIQUE (slug),
    CONSTRAINT creators_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    CONSTRAINT creators_social_links_object CHECK (jsonb_typeof(social_links) = 'object')
);
CREATE INDEX creators_featured_idx ON creators (featured) WHERE featured;
CREATE INDEX creators_genres_idx ON creators USING gin (genres);
CREATE TRIGGER creators_updated_at BEFORE UPDATE ON creators
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE source_videos (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    creator_id        uuid NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
    filename          varchar(500) NOT NULL,
    youtube_url       varchar(500),
    folder_name       varchar(500) NOT NULL,
    processing_status processing_status NOT NULL DEFAULT 'queued',
    pipeline_stage    integer,
    created_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT source_videos_pipeline_stage_range CHECK (pipeline_stage BETWEEN 1 AND 6)
);
CREATE INDEX source_videos_creator_id_idx ON source_videos (creator_id, created_at);
CREATE INDEX source_videos_processing_status_idx ON source_videos (processing_status);
CREATE TRIGGER source_videos_updated_at BEFORE UPDATE ON source_videos
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE transcript_segments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_video_id uuid NOT NULL REFERENCES source_videos (id) ON DELETE CASCADE,
    start_time      double precision NOT NULL,
    end_time        double precision NOT NULL,
    text            text NOT NULL,
    CONSTRAINT transcript_segments_time_range CHECK (start_time >= 0 AND end_time >= start_time)
);
CREATE INDEX transcript_segments_video_time_idx ON transcript_segments (source_video_id, start_time);

CREATE TABLE key_moments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_video_id uuid NOT NULL REFERENCES source_videos (id) ON DELETE CASCADE,
    title           varchar(500) NOT NULL,
    summary         text NOT NULL DEFAULT '',
    start_time      double precision NOT NULL,
    end_time        double precision NOT NULL,
    topic_category  varchar(255),
    topic_tags      text[] NOT NULL DEFAULT '{}',
    content_type    content_type NOT NULL,
    review_status   varchar(20) NOT NULL DEFAULT 'pending',
    sort_order      integer NOT NULL DEFAULT 0,
    chapter_status  chapter_status NOT NULL DEFAULT 'draft',
    created_at      timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at      timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT key_moments_time_range CHECK (start_time >= 0 AND end_time >= start_time),
    CONSTRAINT key_moments_review_status_values
        CHECK (review_status IN ('pending', 'approved', 'rejected'))
);
CREATE INDEX key_moments_video_order_idx ON key_moments (source_video_id, sort_order, start_time);
CREATE INDEX key_moments_topic_category_idx ON key_moments (lower(topic_category));
CREATE TRIGGER key_moments_updated_at BEFORE UPDATE ON key_moments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE technique_pages (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    creator_id           uuid NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
    title                varchar(500) NOT NULL,
    slug                 varchar(255) NOT NULL,
    summary              text NOT NULL DEFAULT '',
    body_sections        jsonb NOT NULL DEFAULT '[]'::jsonb,
    body_sections_format varchar(2) NOT NULL DEFAULT 'v2',
    signal_chains        jsonb,
    plugins              text[] NOT NULL DEFAULT '{}',
    topic_category       varchar(255),
    topic_tags           text[] NOT NULL DEFAULT '{}',
    source_quality       source_quality,
    view_count           integer NOT NULL DEFAULT 0,
    created_at           timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at           timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT technique_pages_slug_key UNIQUE (slug),
    CONSTRAINT technique_pages_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    CONSTRAINT technique_pages_body_sections_format_values
        CHECK (body_sections_format IN ('v1', 'v2')),
    CONSTRAINT technique_pages_body_sections_shape CHECK (
        (body_sections_format = 'v1' AND jsonb_typeof(body_sections) = 'object')
        OR (body_sections_format = 'v2' AND jsonb_typeof(body_sections) = 'array')),
    CONSTRAINT technique_pages_view_count_non_negative CHECK (view_count >= 0)
);
CREATE INDEX technique_pages_creator_title_idx ON technique_pages (creator_id, title, id);
CREATE INDEX technique_pages_view_count_idx ON technique_pages (view_count DESC, id);
CREATE INDEX technique_pages_created_at_idx ON technique_pages (created_at DESC, id);
CREATE INDEX technique_pages_topic_category_idx ON technique_pages (lower(topic_category));
CREATE INDEX technique_pages_plugins_idx ON technique_pages USING gin (plugins);
CREATE TRIGGER technique_pages_updated_at BEFORE UPDATE ON technique_pages
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE technique_page_versions (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    technique_page_id uuid NOT NULL REFERENCES technique_pages (id) ON DELETE CASCADE,
    version_number    integer NOT NULL,
    content_snapshot  jsonb NOT NULL,
    pipeline_metadata jsonb,
    created_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT technique_page_versions_number_key UNIQUE (technique_page_id, version_number),
    CONSTRAINT technique_page_versions_number_positive CHECK (version_number >= 1)
);

CREATE TABLE tags (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       varchar(100) NOT NULL,
    created_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT tags_name_key UNIQUE (name),
    CONSTRAINT tags_name_normalized CHECK (name = lower(btrim(name)) AND name <> '')
);

CREATE TABLE technique_page_tags (
    technique_page_id uuid NOT NULL REFERENCES technique_pages (id) ON DELETE CASCADE,
    tag_id            uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    PRIMARY KEY (technique_page_id, tag_id)
);
CREATE INDEX technique_page_tags_tag_id_idx ON technique_page_tags (tag_id, technique_page_id);

CREATE TABLE technique_page_videos (
    technique_page_id uuid NOT NULL REFERENCES technique_pages (id) ON DELETE CASCADE,
    source_video_id   uuid NOT NULL REFERENCES source_videos (id) ON DELETE CASCADE,
    created_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    PRIMARY KEY (technique_page_id, source_video_id)
);
CREATE INDEX technique_page_videos_video_idx ON technique_page_videos (source_video_id);

CREATE TABLE related_technique_links (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_page_id uuid NOT NULL REFERENCES technique_pages (id) ON DELETE CASCADE,
    target_page_id uuid NOT NULL REFERENCES technique_pages (id) ON DELETE CASCADE,
    relationship   relationship_type NOT NULL DEFAULT 'related',
    label          varchar(255),
    created_at     timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT related_technique_links_pair_key UNIQUE (source_page_id, target_page_id),
    CONSTRAINT related_technique_links_not_self CHECK (source_page_id <> target_page_id)
);
CREATE INDEX related_technique_links_target_idx ON related_technique_links (target_page_id);
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS related_technique_links, technique_page_videos, technique_page_tags, tags,
    technique_page_versions, technique_pages, key_moments, transcript_segments, source_videos,
    creators;
"#;
