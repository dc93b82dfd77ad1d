//! Operational records: content reports, search logs, pipeline runs and events, email digest and
//! chat usage logs. Logs keep their rows when the user they name is deleted (`SET NULL`).

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
CREATE TABLE content_reports (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    report_type report_type NOT NULL,
    status      report_status NOT NULL DEFAULT 'open',
    target_type varchar(50) NOT NULL,
    target_id   uuid NOT NULL,
    reporter_id uuid REFERENCES users (id) ON DELETE SET NULL,
    description text NOT NULL DEFAULT '',
    admin_notes text,
    resolved_by uuid REFERENCES users (id) ON DELETE SET NULL,
    resolved_at timestamp,
    created_at  timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at  timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT content_reports_target_type_values CHECK (target_type IN
        ('technique_page', 'key_moment', 'source_video', 'creator', 'post', 'generated_short'))
);
CREATE INDEX content_reports_status_idx ON content_reports (status, created_at DESC);
CREATE INDEX content_reports_target_idx ON content_reports (target_type, target_id);
CREATE TRIGGER content_reports_updated_at BEFORE UPDATE ON content_reports
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE search_logs (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    query        varchar(500) NOT NULL,
    result_count integer NOT NULL,
    user_id      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT search_logs_result_count_non_negative CHECK (result_count >= 0)
);
CREATE INDEX search_logs_created_at_idx ON search_logs (created_at, query);

CREATE TABLE pipeline_runs (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_video_id   uuid NOT NULL REFERENCES source_videos (id) ON DELETE CASCADE,
    status            pipeline_run_status NOT NULL DEFAULT 'pending',
    trigger           pipeline_run_trigger NOT NULL DEFAULT 'auto',
    current_stage     integer,
    prompt_tokens     bigint NOT NULL DEFAULT 0,
    completion_tokens bigint NOT NULL DEFAULT 0,
    total_tokens      bigint NOT NULL DEFAULT 0,
    error_message     text,
    started_at        timestamp,
    finished_at       timestamp,
    created_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT pipeline_runs_current_stage_range CHECK (current_stage BETWEEN 1 AND 6),
    CONSTRAINT pipeline_runs_finished_after_start
        CHECK (finished_at IS NULL OR started_at IS NULL OR finished_at >= started_at)
);
CREATE INDEX pipeline_runs_video_idx ON pipeline_runs (source_video_id, created_at DESC);

CREATE TABLE pipeline_events (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    pipeline_run_id   uuid NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    stage             integer NOT NULL,
    event_type        varchar(50) NOT NULL,
    prompt_tokens     integer,
    completion_tokens integer,
    total_tokens      integer,
    payload           jsonb,
    created_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT pipeline_events_stage_range CHECK (stage BETWEEN 1 AND 6)
);
CREATE INDEX pipeline_events_run_idx ON pipeline_events (pipeline_run_id, created_at);

CREATE TABLE email_digest_logs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content_summary jsonb NOT NULL,
    sent_at         timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE INDEX email_digest_logs_user_sent_idx ON email_digest_logs (user_id, sent_at DESC);

CREATE TABLE chat_usage_logs (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid REFERENCES users (id) ON DELETE SET NULL,
    client_ip         varchar(45) NOT NULL,
    creator_slug      varchar(255),
    query             text NOT NULL,
    prompt_tokens     integer NOT NULL DEFAULT 0,
    completion_tokens integer NOT NULL DEFAULT 0,
    total_tokens      integer NOT NULL DEFAULT 0,
    cascade_tier      varchar(20) NOT NULL,
    model             varchar(255) NOT NULL,
    latency_ms        integer NOT NULL,
    created_at        timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT chat_usage_logs_cascade_tier_values
        CHECK (cascade_tier IN ('creator', 'domain', 'global', 'none'))
);
CREATE INDEX chat_usage_logs_created_at_idx ON chat_usage_logs (created_at);
CREATE INDEX chat_usage_logs_client_ip_idx ON chat_usage_logs (client_ip, created_at);
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS chat_usage_logs, email_digest_logs, pipeline_events, pipeline_runs,
    search_logs, content_reports;
"#;
