//! The read graph's relations, as SQL fixed per request: each statement carries the viewer's
//! visibility predicates ([`Scope`]), so a hidden row never leaves the database. Relations keyed
//! by an already-visible parent only add the rules that are stricter than the parent's.

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    chat_usage_logs, consent_audit_logs, content_reports, email_digest_logs, generated_shorts,
    highlight_candidates, key_moments, pipeline_events, pipeline_runs, post_attachments, posts,
    related_technique_links, search_logs, source_videos, tags, technique_page_versions,
    technique_pages, transcript_segments, video_consents,
};
use std::sync::{Arc, OnceLock};

use sea_orm::DatabaseConnection;

use super::{
    page_summary_columns,
    sql::{Counts, Relation, Rows, Sql, Windowed, sql},
    window_sql,
};
use crate::services::visibility::Scope;

type Dl<T> = DataLoader<T, HashMapCache>;

/// Declares the read graph's relations once: [`ReadLoaders`] gets a fresh DataLoader per relation
/// (cached for by-id and grouped rows, uncached for windows), [`ReadSql`] the relation's statement.
macro_rules! read_relations {
    ($($(#[doc = $doc:literal])* $name:ident: $loader:ty,)*) => {
        /// One DataLoader per relation of the read graph, for one request and viewer. Each is
        /// created on first use: a request touches a handful of the relations.
        pub struct ReadLoaders {
            /// The visibility rules of this request's viewer.
            pub scope: Scope,
            db: DatabaseConnection,
            sql: Arc<ReadSql>,
            $($name: OnceLock<<$loader as Relation>::DataLoader>,)*
        }

        /// The statements of the read graph's relations for one visibility scope.
        struct ReadSql {
            $($name: Sql<$loader>,)*
        }

        impl ReadLoaders {
            /// Loaders over `db` running `sql`'s statements.
            fn with_sql(db: DatabaseConnection, scope: Scope, sql: Arc<ReadSql>) -> Self {
                Self {
                    scope,
                    db,
                    sql,
                    $($name: OnceLock::new(),)*
                }
            }

            $(
                $(#[doc = $doc])*
                pub fn $name(&self) -> &<$loader as Relation>::DataLoader {
                    self.$name.get_or_init(|| {
                        <$loader as Relation>::data_loader(self.db.clone(), &self.sql.$name)
                    })
                }
            )*
        }
    };
}

read_relations! {
    /// Technique pages by id.
    page_by_id: Rows<technique_pages::Model>,
    /// Tags by id.
    tag_by_id: Rows<tags::Model>,
    /// Visible videos by id.
    video_by_id: Rows<source_videos::Model>,
    /// A window of a creator's visible videos, newest first.
    creator_videos: Windowed<source_videos::Model>,
    /// How many visible videos a creator has.
    creator_video_counts: Counts,
    /// Transcript segments (of visible videos) by id.
    segment_by_id: Rows<transcript_segments::Model>,
    /// A window of a video's transcript, in time order.
    video_segments: Windowed<transcript_segments::Model>,
    /// How many transcript segments a video has.
    video_segment_counts: Counts,
    /// Key moments (of visible videos) by id.
    moment_by_id: Rows<key_moments::Model>,
    /// A window of a video's key moments in display order.
    video_moments: Windowed<key_moments::Model>,
    /// How many key moments a video has.
    video_moment_counts: Counts,
    /// Highlight candidates (curators only) by id.
    highlight_by_id: Rows<highlight_candidates::Model>,
    /// The highlight candidate of a key moment (curators only).
    moment_highlight: Rows<highlight_candidates::Model>,
    /// A window of a video's highlight candidates, best first (curators only).
    video_highlights: Windowed<highlight_candidates::Model>,
    /// How many highlight candidates a video has (curators only).
    video_highlight_counts: Counts,
    /// Generated shorts (curators only) by id.
    short_by_id: Rows<generated_shorts::Model>,
    /// The shorts rendered from a highlight (curators only).
    highlight_shorts: Rows<generated_shorts::Model>,
    /// Consent rows (curators only) by id.
    consent_by_id: Rows<video_consents::Model>,
    /// The consent of a video (curators only).
    video_consent: Rows<video_consents::Model>,
    /// Consent audit entries (curators only) by id.
    audit_by_id: Rows<consent_audit_logs::Model>,
    /// A window of a consent's audit log, newest version first.
    consent_audit: Windowed<consent_audit_logs::Model>,
    /// How many audit entries a consent has.
    consent_audit_counts: Counts,
    /// Technique page versions (curators only) by id.
    version_by_id: Rows<technique_page_versions::Model>,
    /// A window of a page's versions, newest first (curators only).
    page_versions: Windowed<technique_page_versions::Model>,
    /// How many versions a page has (curators only).
    page_version_counts: Counts,
    /// Related links by id.
    link_by_id: Rows<related_technique_links::Model>,
    /// Links from a page to others.
    page_related: Rows<related_technique_links::Model>,
    /// Links from other pages to a page.
    page_referenced_by: Rows<related_technique_links::Model>,
    /// The source videos of a page that the viewer may see as sources.
    page_sources: Rows<source_videos::Model>,
    /// The technique pages a video is a source of (body deferred).
    video_pages: Rows<technique_pages::Model>,
    /// Visible posts by id.
    post_by_id: Rows<posts::Model>,
    /// A window of a creator's visible posts, newest first.
    creator_posts: Windowed<posts::Model>,
    /// How many visible posts a creator has.
    creator_post_counts: Counts,
    /// Attachments of visible posts by id.
    attachment_by_id: Rows<post_attachments::Model>,
    /// The attachments of a post.
    post_attachments: Rows<post_attachments::Model>,
    /// Pipeline runs (curators only) by id.
    run_by_id: Rows<pipeline_runs::Model>,
    /// A window of a video's pipeline runs, newest first (curators only).
    video_runs: Windowed<pipeline_runs::Model>,
    /// How many pipeline runs a video has (curators only).
    video_run_counts: Counts,
    /// Pipeline events (curators only) by id.
    event_by_id: Rows<pipeline_events::Model>,
    /// A window of a run's events in time order.
    run_events: Windowed<pipeline_events::Model>,
    /// How many events a run has.
    run_event_counts: Counts,
    /// Content reports (admins only) by id.
    report_by_id: Rows<content_reports::Model>,
    /// Search log rows (admins only) by id.
    search_log_by_id: Rows<search_logs::Model>,
    /// Email digest log rows (admins only) by id.
    digest_by_id: Rows<email_digest_logs::Model>,
    /// Chat usage log rows (admins only) by id.
    chat_by_id: Rows<chat_usage_logs::Model>,
}

/// `SELECT {alias}.*, {alias}.{key} AS pb_parent FROM {from} WHERE {alias}.{key} = ANY($1) AND {pred}`.
fn keyed(alias: &str, key: &str, from: &str, pred: &str) -> String {
    format!(
        "SELECT {alias}.*, {alias}.{key} AS pb_parent FROM {from} \
         WHERE {alias}.{key} = ANY($1) AND {pred}"
    )
}

/// The windowed form of [`keyed`], numbering each parent's rows by `order`.
fn window(alias: &str, key: &str, from: &str, pred: &str, order: &str) -> String {
    window_sql(
        &format!("{alias}.*"),
        from,
        &format!("{alias}.{key}"),
        pred,
        order,
    )
}

/// Counts per parent of the rows [`keyed`] would select.
fn count(alias: &str, key: &str, from: &str, pred: &str) -> String {
    format!(
        "SELECT {alias}.{key} AS pb_parent, count(*) AS n FROM {from} \
         WHERE {alias}.{key} = ANY($1) AND {pred} GROUP BY {alias}.{key}"
    )
}

impl ReadSql {
    /// The statements for a viewer with `scope`.
    fn new(scope: &Scope) -> Self {
        let video = scope.video("v");
        let videos_join = |alias: &str, table: &str| {
            format!("{table} {alias} JOIN source_videos v ON v.id = {alias}.source_video_id")
        };
        let seg_from = videos_join("s", "transcript_segments");
        let km_from = videos_join("k", "key_moments");
        let hl_from = videos_join("h", "highlight_candidates");
        let run_from = videos_join("r", "pipeline_runs");
        let curate_v = scope.curates("v.creator_id");
        let short_from = "generated_shorts g JOIN highlight_candidates h \
             ON h.id = g.highlight_candidate_id JOIN source_videos v ON v.id = h.source_video_id";
        let audit_from = "consent_audit_logs a JOIN video_consents c ON c.id = a.video_consent_id";
        let curate_c = scope.curates("c.creator_id");
        let version_from =
            "technique_page_versions pv JOIN technique_pages p ON p.id = pv.technique_page_id";
        let curate_p = scope.curates("p.creator_id");
        let event_from = "pipeline_events e JOIN pipeline_runs r ON r.id = e.pipeline_run_id \
             JOIN source_videos v ON v.id = r.source_video_id";
        let post = scope.post("p");
        let attachment_from = "post_attachments pa JOIN posts p ON p.id = pa.post_id";
        let admin = scope.admin_only();

        Self {
            page_by_id: sql(keyed("t", "id", "technique_pages t", "TRUE")),
            tag_by_id: sql(keyed("t", "id", "tags t", "TRUE")),
            video_by_id: sql(keyed("v", "id", "source_videos v", &video)),
            creator_videos: sql(window(
                "v",
                "creator_id",
                "source_videos v",
                &video,
                "v.created_at DESC, v.id",
            )),
            creator_video_counts: sql(count("v", "creator_id", "source_videos v", &video)),
            segment_by_id: sql(keyed("s", "id", &seg_from, &video)),
            video_segments: sql(window(
                "s",
                "source_video_id",
                "transcript_segments s",
                "TRUE",
                "s.start_time, s.id",
            )),
            video_segment_counts: sql(count(
                "s",
                "source_video_id",
                "transcript_segments s",
                "TRUE",
            )),
            moment_by_id: sql(keyed("k", "id", &km_from, &video)),
            video_moments: sql(window(
                "k",
                "source_video_id",
                "key_moments k",
                "TRUE",
                "k.sort_order, k.start_time, k.id",
            )),
            video_moment_counts: sql(count("k", "source_video_id", "key_moments k", "TRUE")),
            highlight_by_id: sql(keyed("h", "id", &hl_from, &curate_v)),
            moment_highlight: sql(keyed("h", "key_moment_id", &hl_from, &curate_v)),
            video_highlights: sql(window(
                "h",
                "source_video_id",
                &hl_from,
                &curate_v,
                "h.score DESC, h.id",
            )),
            video_highlight_counts: sql(count("h", "source_video_id", &hl_from, &curate_v)),
            short_by_id: sql(keyed("g", "id", short_from, &curate_v)),
            highlight_shorts: sql(keyed("g", "highlight_candidate_id", short_from, &curate_v)),
            consent_by_id: sql(keyed("c", "id", "video_consents c", &curate_c)),
            video_consent: sql(keyed("c", "source_video_id", "video_consents c", &curate_c)),
            audit_by_id: sql(keyed("a", "id", audit_from, &curate_c)),
            consent_audit: sql(window(
                "a",
                "video_consent_id",
                audit_from,
                &curate_c,
                "a.version DESC, a.id",
            )),
            consent_audit_counts: sql(count("a", "video_consent_id", audit_from, &curate_c)),
            version_by_id: sql(keyed("pv", "id", version_from, &curate_p)),
            page_versions: sql(window(
                "pv",
                "technique_page_id",
                version_from,
                &curate_p,
                "pv.version_number DESC, pv.id",
            )),
            page_version_counts: sql(count("pv", "technique_page_id", version_from, &curate_p)),
            link_by_id: sql(keyed("l", "id", "related_technique_links l", "TRUE")),
            page_related: sql(format!(
                "{} ORDER BY l.created_at, l.id",
                keyed("l", "source_page_id", "related_technique_links l", "TRUE")
            )),
            page_referenced_by: sql(format!(
                "{} ORDER BY l.created_at, l.id",
                keyed("l", "target_page_id", "related_technique_links l", "TRUE")
            )),
            page_sources: sql(format!(
                "SELECT v.*, tpv.technique_page_id AS pb_parent FROM technique_page_videos tpv \
                 JOIN source_videos v ON v.id = tpv.source_video_id \
                 WHERE tpv.technique_page_id = ANY($1) AND {} ORDER BY v.created_at, v.id",
                scope.page_source("v")
            )),
            video_pages: sql(format!(
                "SELECT {}, tpv.source_video_id AS pb_parent FROM technique_page_videos tpv \
                 JOIN technique_pages t ON t.id = tpv.technique_page_id \
                 WHERE tpv.source_video_id = ANY($1) ORDER BY t.title, t.id",
                page_summary_columns("t")
            )),
            post_by_id: sql(keyed("p", "id", "posts p", &post)),
            creator_posts: sql(window(
                "p",
                "creator_id",
                "posts p",
                &post,
                "p.created_at DESC, p.id",
            )),
            creator_post_counts: sql(count("p", "creator_id", "posts p", &post)),
            attachment_by_id: sql(keyed("pa", "id", attachment_from, &post)),
            post_attachments: sql(format!(
                "{} ORDER BY pa.created_at, pa.id",
                keyed("pa", "post_id", "post_attachments pa", "TRUE")
            )),
            run_by_id: sql(keyed("r", "id", &run_from, &curate_v)),
            video_runs: sql(window(
                "r",
                "source_video_id",
                &run_from,
                &curate_v,
                "r.created_at DESC, r.id",
            )),
            video_run_counts: sql(count("r", "source_video_id", &run_from, &curate_v)),
            event_by_id: sql(keyed("e", "id", event_from, &curate_v)),
            run_events: sql(window(
                "e",
                "pipeline_run_id",
                "pipeline_events e",
                "TRUE",
                "e.created_at, e.id",
            )),
            run_event_counts: sql(count("e", "pipeline_run_id", "pipeline_events e", "TRUE")),
            report_by_id: sql(keyed("x", "id", "content_reports x", admin)),
            search_log_by_id: sql(keyed("x", "id", "search_logs x", admin)),
            digest_by_id: sql(keyed("x", "id", "email_digest_logs x", admin)),
            chat_by_id: sql(keyed("x", "id", "chat_usage_logs x", admin)),
        }
    }
}

impl ReadLoaders {
    /// Fresh loaders over `db` for a viewer with `scope`. The statements of the public and the
    /// admin scope are built once per process; a creator's users' (one scope per creator) are
    /// built per request.
    pub fn new(db: DatabaseConnection, scope: Scope) -> Self {
        static PUBLIC: OnceLock<Arc<ReadSql>> = OnceLock::new();
        static ADMIN: OnceLock<Arc<ReadSql>> = OnceLock::new();
        let shared = match scope.key() {
            (true, _) => Some(&ADMIN),
            (false, None) => Some(&PUBLIC),
            (false, Some(_)) => None,
        };
        let sql = match shared {
            Some(cell) => cell.get_or_init(|| Arc::new(ReadSql::new(&scope))).clone(),
            None => Arc::new(ReadSql::new(&scope)),
        };
        Self::with_sql(db, scope, sql)
    }
}

/// Loads the one row keyed `key` through a by-id (or one-per-parent) loader.
pub async fn one<L, M>(
    loader: &Dl<L>,
    key: uuid::Uuid,
) -> Result<Option<M>, crate::error::LoadError>
where
    L: Loader<uuid::Uuid, Value = Vec<M>, Error = crate::error::LoadError>,
    M: Clone + Send + Sync + 'static,
{
    Ok(loader
        .load_one(key)
        .await?
        .and_then(|rows| rows.into_iter().next()))
}

/// Loads the list keyed `key` through a grouped loader.
pub async fn list<L, M>(loader: &Dl<L>, key: uuid::Uuid) -> Result<Vec<M>, crate::error::LoadError>
where
    L: Loader<uuid::Uuid, Value = Vec<M>, Error = crate::error::LoadError>,
    M: Clone + Send + Sync + 'static,
{
    Ok(loader.load_one(key).await?.unwrap_or_default())
}
