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
use sea_orm::DatabaseConnection;

use super::sql::{Counts, Rows, Windowed};
use crate::services::visibility::Scope;

type Dl<T> = DataLoader<T, HashMapCache>;
/// Windows of children are asked for once per parent and window: caching them would only add a
/// deep copy of every row.
type DlOnce<T> = DataLoader<T>;

fn dl<T: Send + Sync + 'static>(inner: T) -> Dl<T> {
    DataLoader::with_cache(inner, tokio::spawn, HashMapCache::default())
}

fn dl_once<T: Send + Sync + 'static>(inner: T) -> DlOnce<T> {
    DataLoader::new(inner, tokio::spawn)
}

/// One DataLoader per relation of the read graph, created for each request and viewer.
pub struct ReadLoaders {
    /// The visibility rules of this request's viewer.
    pub scope: Scope,
    /// Technique pages by id.
    pub page_by_id: Dl<Rows<technique_pages::Model>>,
    /// Tags by id.
    pub tag_by_id: Dl<Rows<tags::Model>>,
    /// Visible videos by id.
    pub video_by_id: Dl<Rows<source_videos::Model>>,
    /// A window of a creator's visible videos, newest first.
    pub creator_videos: DlOnce<Windowed<source_videos::Model>>,
    /// How many visible videos a creator has.
    pub creator_video_counts: Dl<Counts>,
    /// Transcript segments (of visible videos) by id.
    pub segment_by_id: Dl<Rows<transcript_segments::Model>>,
    /// A window of a video's transcript, in time order.
    pub video_segments: DlOnce<Windowed<transcript_segments::Model>>,
    /// How many transcript segments a video has.
    pub video_segment_counts: Dl<Counts>,
    /// Key moments (of visible videos) by id.
    pub moment_by_id: Dl<Rows<key_moments::Model>>,
    /// A window of a video's key moments in display order.
    pub video_moments: DlOnce<Windowed<key_moments::Model>>,
    /// How many key moments a video has.
    pub video_moment_counts: Dl<Counts>,
    /// Highlight candidates (curators only) by id.
    pub highlight_by_id: Dl<Rows<highlight_candidates::Model>>,
    /// The highlight candidate of a key moment (curators only).
    pub moment_highlight: Dl<Rows<highlight_candidates::Model>>,
    /// A window of a video's highlight candidates, best first (curators only).
    pub video_highlights: DlOnce<Windowed<highlight_candidates::Model>>,
    /// How many highlight candidates a video has (curators only).
    pub video_highlight_counts: Dl<Counts>,
    /// Generated shorts (curators only) by id.
    pub short_by_id: Dl<Rows<generated_shorts::Model>>,
    /// The shorts rendered from a highlight (curators only).
    pub highlight_shorts: Dl<Rows<generated_shorts::Model>>,
    /// Consent rows (curators only) by id.
    pub consent_by_id: Dl<Rows<video_consents::Model>>,
    /// The consent of a video (curators only).
    pub video_consent: Dl<Rows<video_consents::Model>>,
    /// Consent audit entries (curators only) by id.
    pub audit_by_id: Dl<Rows<consent_audit_logs::Model>>,
    /// A window of a consent's audit log, newest version first.
    pub consent_audit: DlOnce<Windowed<consent_audit_logs::Model>>,
    /// How many audit entries a consent has.
    pub consent_audit_counts: Dl<Counts>,
    /// Technique page versions (curators only) by id.
    pub version_by_id: Dl<Rows<technique_page_versions::Model>>,
    /// A window of a page's versions, newest first (curators only).
    pub page_versions: DlOnce<Windowed<technique_page_versions::Model>>,
    /// How many versions a page has (curators only).
    pub page_version_counts: Dl<Counts>,
    /// Related links by id.
    pub link_by_id: Dl<Rows<related_technique_links::Model>>,
    /// Links from a page to others.
    pub page_related: Dl<Rows<related_technique_links::Model>>,
    /// Links from other pages to a page.
    pub page_referenced_by: Dl<Rows<related_technique_links::Model>>,
    /// The source videos of a page that the viewer may see as sources.
    pub page_sources: Dl<Rows<source_videos::Model>>,
    /// The technique pages a video is a source of.
    pub video_pages: Dl<Rows<technique_pages::Model>>,
    /// Visible posts by id.
    pub post_by_id: Dl<Rows<posts::Model>>,
    /// A window of a creator's visible posts, newest first.
    pub creator_posts: DlOnce<Windowed<posts::Model>>,
    /// How many visible posts a creator has.
    pub creator_post_counts: Dl<Counts>,
    /// Attachments of visible posts by id.
    pub attachment_by_id: Dl<Rows<post_attachments::Model>>,
    /// The attachments of a post.
    pub post_attachments: Dl<Rows<post_attachments::Model>>,
    /// Pipeline runs (curators only) by id.
    pub run_by_id: Dl<Rows<pipeline_runs::Model>>,
    /// A window of a video's pipeline runs, newest first (curators only).
    pub video_runs: DlOnce<Windowed<pipeline_runs::Model>>,
    /// How many pipeline runs a video has (curators only).
    pub video_run_counts: Dl<Counts>,
    /// Pipeline events (curators only) by id.
    pub event_by_id: Dl<Rows<pipeline_events::Model>>,
    /// A window of a run's events in time order.
    pub run_events: DlOnce<Windowed<pipeline_events::Model>>,
    /// How many events a run has.
    pub run_event_counts: Dl<Counts>,
    /// Content reports (admins only) by id.
    pub report_by_id: Dl<Rows<content_reports::Model>>,
    /// Search log rows (admins only) by id.
    pub search_log_by_id: Dl<Rows<search_logs::Model>>,
    /// Email digest log rows (admins only) by id.
    pub digest_by_id: Dl<Rows<email_digest_logs::Model>>,
    /// Chat usage log rows (admins only) by id.
    pub chat_by_id: Dl<Rows<chat_usage_logs::Model>>,
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
    format!(
        "SELECT {alias}.*, {alias}.{key} AS pb_parent, \
           row_number() OVER (PARTITION BY {alias}.{key} ORDER BY {order}) - 1 AS pb_pos \
         FROM {from} WHERE {alias}.{key} = ANY($1) AND {pred}"
    )
}

/// Counts per parent of the rows [`keyed`] would select.
fn count(alias: &str, key: &str, from: &str, pred: &str) -> String {
    format!(
        "SELECT {alias}.{key} AS pb_parent, count(*) AS n FROM {from} \
         WHERE {alias}.{key} = ANY($1) AND {pred} GROUP BY {alias}.{key}"
    )
}

impl ReadLoaders {
    /// Fresh loaders over `db` for a viewer with `scope`.
    pub fn new(db: DatabaseConnection, scope: Scope) -> Self {
        macro_rules! rows {
            ($sql:expr $(,)?) => {
                dl(Rows::new(db.clone(), $sql))
            };
        }
        macro_rules! win {
            ($sql:expr $(,)?) => {
                dl_once(Windowed::new(db.clone(), $sql))
            };
        }
        macro_rules! cnt {
            ($sql:expr $(,)?) => {
                dl(Counts::new(db.clone(), $sql))
            };
        }

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
            page_by_id: rows!(keyed("t", "id", "technique_pages t", "TRUE")),
            tag_by_id: rows!(keyed("t", "id", "tags t", "TRUE")),
            video_by_id: rows!(keyed("v", "id", "source_videos v", &video)),
            creator_videos: win!(window(
                "v",
                "creator_id",
                "source_videos v",
                &video,
                "v.created_at DESC, v.id",
            )),
            creator_video_counts: cnt!(count("v", "creator_id", "source_videos v", &video)),
            segment_by_id: rows!(keyed("s", "id", &seg_from, &video)),
            video_segments: win!(window(
                "s",
                "source_video_id",
                "transcript_segments s",
                "TRUE",
                "s.start_time, s.id",
            )),
            video_segment_counts: cnt!(count(
                "s",
                "source_video_id",
                "transcript_segments s",
                "TRUE",
            )),
            moment_by_id: rows!(keyed("k", "id", &km_from, &video)),
            video_moments: win!(window(
                "k",
                "source_video_id",
                "key_moments k",
                "TRUE",
                "k.sort_order, k.start_time, k.id",
            )),
            video_moment_counts: cnt!(count("k", "source_video_id", "key_moments k", "TRUE")),
            highlight_by_id: rows!(keyed("h", "id", &hl_from, &curate_v)),
            moment_highlight: rows!(keyed("h", "key_moment_id", &hl_from, &curate_v)),
            video_highlights: win!(window(
                "h",
                "source_video_id",
                &hl_from,
                &curate_v,
                "h.score DESC, h.id",
            )),
            video_highlight_counts: cnt!(count("h", "source_video_id", &hl_from, &curate_v)),
            short_by_id: rows!(keyed("g", "id", short_from, &curate_v)),
            highlight_shorts: rows!(keyed("g", "highlight_candidate_id", short_from, &curate_v)),
            consent_by_id: rows!(keyed("c", "id", "video_consents c", &curate_c)),
            video_consent: rows!(keyed("c", "source_video_id", "video_consents c", &curate_c)),
            audit_by_id: rows!(keyed("a", "id", audit_from, &curate_c)),
            consent_audit: win!(window(
                "a",
                "video_consent_id",
                audit_from,
                &curate_c,
                "a.version DESC, a.id",
            )),
            consent_audit_counts: cnt!(count("a", "video_consent_id", audit_from, &curate_c)),
            version_by_id: rows!(keyed("pv", "id", version_from, &curate_p)),
            page_versions: win!(window(
                "pv",
                "technique_page_id",
                version_from,
                &curate_p,
                "pv.version_number DESC, pv.id",
            )),
            page_version_counts: cnt!(count("pv", "technique_page_id", version_from, &curate_p)),
            link_by_id: rows!(keyed("l", "id", "related_technique_links l", "TRUE")),
            page_related: rows!(format!(
                "{} ORDER BY l.created_at, l.id",
                keyed("l", "source_page_id", "related_technique_links l", "TRUE")
            )),
            page_referenced_by: rows!(format!(
                "{} ORDER BY l.created_at, l.id",
                keyed("l", "target_page_id", "related_technique_links l", "TRUE")
            )),
            page_sources: rows!(format!(
                "SELECT v.*, tpv.technique_page_id AS pb_parent FROM technique_page_videos tpv \
                 JOIN source_videos v ON v.id = tpv.source_video_id \
                 WHERE tpv.technique_page_id = ANY($1) AND {} ORDER BY v.created_at, v.id",
                scope.page_source("v")
            )),
            video_pages: rows!(
                "SELECT t.*, tpv.source_video_id AS pb_parent FROM technique_page_videos tpv \
                 JOIN technique_pages t ON t.id = tpv.technique_page_id \
                 WHERE tpv.source_video_id = ANY($1) ORDER BY t.title, t.id"
                    .to_owned(),
            ),
            post_by_id: rows!(keyed("p", "id", "posts p", &post)),
            creator_posts: win!(window(
                "p",
                "creator_id",
                "posts p",
                &post,
                "p.created_at DESC, p.id",
            )),
            creator_post_counts: cnt!(count("p", "creator_id", "posts p", &post)),
            attachment_by_id: rows!(keyed("pa", "id", attachment_from, &post)),
            post_attachments: rows!(format!(
                "{} ORDER BY pa.created_at, pa.id",
                keyed("pa", "post_id", "post_attachments pa", "TRUE")
            )),
            run_by_id: rows!(keyed("r", "id", &run_from, &curate_v)),
            video_runs: win!(window(
                "r",
                "source_video_id",
                &run_from,
                &curate_v,
                "r.created_at DESC, r.id",
            )),
            video_run_counts: cnt!(count("r", "source_video_id", &run_from, &curate_v)),
            event_by_id: rows!(keyed("e", "id", event_from, &curate_v)),
            run_events: win!(window(
                "e",
                "pipeline_run_id",
                "pipeline_events e",
                "TRUE",
                "e.created_at, e.id",
            )),
            run_event_counts: cnt!(count("e", "pipeline_run_id", "pipeline_events e", "TRUE")),
            report_by_id: rows!(keyed("x", "id", "content_reports x", admin)),
            search_log_by_id: rows!(keyed("x", "id", "search_logs x", admin)),
            digest_by_id: rows!(keyed("x", "id", "email_digest_logs x", admin)),
            chat_by_id: rows!(keyed("x", "id", "chat_usage_logs x", admin)),
            scope,
        }
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
