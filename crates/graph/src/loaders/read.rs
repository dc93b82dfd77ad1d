//! The graph's one loader registry, [`Loaders`]: a DataLoader per relation, each over one SQL
//! statement that carries the viewer's visibility predicates ([`Rule`]s rendered for the viewer's
//! [`Shape`]), so a hidden row never leaves the database. Relations keyed by an already-visible
//! parent only add the rules that are stricter than the parent's.
//!
//! A resolver calls a relation as `read(ctx)?.<relation>()`, then `one(..)` / `list(..)` for rows
//! by key, `load_one` for counts, or `nested_connection` for windows. A new relation is one entry
//! in `read_relations!` (name, loader type, doc) and its statement in [`ReadSql::new`], where its
//! rule is chosen.

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    chat_usage_logs, consent_audit_logs, content_reports, creators, email_digest_logs,
    generated_shorts, highlight_candidates, invite_codes, key_moments, pipeline_events,
    pipeline_runs, post_attachments, posts, related_technique_links, search_logs, source_videos,
    tags, technique_page_versions, technique_pages, transcript_segments, users, video_consents,
    video_revocations,
};
use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, QueryResult, Statement,
    Value,
};
use serde::de::DeserializeOwned;

use super::{
    columns, page_lean_columns, page_summary_columns,
    sql::{Counts, Relation, Rows, Slot, Sql, Windowed, sql},
    users::Follows,
    window_sql,
};
use crate::{
    error::LoadError,
    services::visibility::{Alias, Rule, Scope, Shape},
};

type Dl<T> = DataLoader<T, HashMapCache>;

/// Declares the graph's relations once: [`Loaders`] gets a fresh DataLoader per relation
/// (cached for by-id and grouped rows, uncached for windows), [`ReadSql`] the relation's statement.
macro_rules! read_relations {
    ($($(#[doc = $doc:literal])* $name:ident: $loader:ty,)*) => {
        /// One DataLoader per relation of the graph, for one request and viewer. Each is created
        /// on first use: a request touches a handful of the relations.
        pub(crate) struct Loaders {
            /// The visibility rules of this request's viewer.
            pub(crate) scope: Scope,
            db: DatabaseConnection,
            sql: Arc<ReadSql>,
            /// How long each loader collects keys for one statement.
            window: Duration,
            $($name: OnceLock<<$loader as Relation>::DataLoader>,)*
        }

        /// The statements of the graph's relations for one visibility [`Shape`].
        struct ReadSql {
            $($name: Sql<$loader>,)*
            /// A technique page by slug with the relations of its detail view, see
            /// [`Loaders::page_by_slug`].
            page_detail: String,
            /// Whether `page_detail` reads the viewer's creator id (as `$6`).
            page_detail_viewer: bool,
        }

        impl Loaders {
            /// Loaders over `db` running `sql`'s statements.
            fn with_sql(
                db: DatabaseConnection,
                scope: Scope,
                sql: Arc<ReadSql>,
                window: Duration,
            ) -> Self {
                Self {
                    scope,
                    db,
                    sql,
                    window,
                    $($name: OnceLock::new(),)*
                }
            }

            $(
                $(#[doc = $doc])*
                pub(crate) fn $name(&self) -> &<$loader as Relation>::DataLoader {
                    self.$name.get_or_init(|| {
                        <$loader as Relation>::data_loader(
                            self.db.clone(),
                            &self.sql.$name,
                            self.scope.viewer_param(),
                            self.window,
                        )
                    })
                }
            )*
        }
    };
}

read_relations! {
    /// Creators by id.
    creator_by_id: Rows<creators::Model>,
    /// A window of a creator's technique pages (body deferred), by title.
    creator_pages: Windowed<technique_pages::Model>,
    /// A window of a creator's technique pages as lean rows, by title.
    creator_pages_lean: Windowed<technique_pages::Model>,
    /// How many technique pages a creator has.
    creator_page_counts: Counts,
    /// How many users follow a creator.
    follower_counts: Counts,
    /// Users by id (the caller checks who may see them).
    user_by_id: Rows<users::Model>,
    /// Whether a user follows a creator, keyed by `(user, creator)`.
    follows: Follows,
    /// A window of the creators a user follows, by name.
    user_following: Windowed<creators::Model>,
    /// How many creators a user follows.
    user_following_counts: Counts,
    /// Technique pages by id.
    page_by_id: Rows<technique_pages::Model>,
    /// Technique pages by id, body deferred (the ends of related links).
    page_summary_by_id: Rows<technique_pages::Model>,
    /// Tags by id.
    tag_by_id: Rows<tags::Model>,
    /// The tags of a page, by name.
    page_tags: Rows<tags::Model>,
    /// A window of a tag's technique pages (body deferred), by title.
    tag_pages: Windowed<technique_pages::Model>,
    /// A window of a tag's technique pages as lean rows, by title.
    tag_pages_lean: Windowed<technique_pages::Model>,
    /// How many technique pages carry a tag.
    tag_page_counts: Counts,
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
    /// A video's revocations and restorations, newest first (curators only).
    video_revocations: Rows<video_revocations::Model>,
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
    /// Invite codes (admins only) by id.
    invite_by_id: Rows<invite_codes::Model>,
}

/// Which columns a list of technique pages reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PageColumns {
    /// All but the body (`services::technique_pages::DEFERRED`).
    Summary,
    /// Ids, titles, slugs, counts and times (`services::technique_pages::LEAN`).
    Lean,
}

/// The visibility rule a relation's statement adds, over a table alias; `None`: none of its own.
type Pred = Option<(Rule, Alias)>;

/// `rule` over the table aliased `alias`.
const fn rule(rule: Rule, alias: &'static str) -> Pred {
    Some((rule, Alias::new(alias)))
}

/// A relation's rows per parent: the model's columns `cols` from `from` where the key expression
/// `key` is the parent and `pred` holds, in `order`. Its batched form is a loader's statement; its
/// JSON form reads one parent's rows inside another statement ([`ReadSql::page_detail`]), so both
/// apply the same visibility and order.
struct Rel<'a> {
    cols: String,
    from: &'a str,
    key: &'a str,
    pred: Pred,
    order: &'a str,
}

impl Rel<'_> {
    /// The rows of every parent of `ANY($1)`, each with its `pb_parent`.
    fn batched(&self, s: &mut Slot) -> String {
        let Self {
            cols,
            from,
            key,
            pred,
            order,
        } = self;
        format!(
            "SELECT {cols}, {key} AS pb_parent FROM {from} WHERE {key} = ANY($1) AND {} \
             ORDER BY {order}",
            s.pred(*pred)
        )
    }

    /// The rows of the parent `parent` (an SQL expression of the enclosing statement) as the text
    /// of a JSON array, in order; `[]` when there are none.
    fn json_of(&self, parent: &str, s: &mut Slot) -> String {
        let Self {
            cols,
            from,
            key,
            pred,
            order,
        } = self;
        format!(
            "(SELECT coalesce(json_agg(pb_j ORDER BY pb_j.pb_ord), '[]')::text FROM \
             (SELECT {cols}, row_number() OVER (ORDER BY {order}) AS pb_ord FROM {from} \
              WHERE {key} = {parent} AND {}) pb_j)",
            s.pred(*pred)
        )
    }
}

/// `SELECT {alias}.*, {alias}.{key} AS pb_parent FROM {from} WHERE {alias}.{key} = ANY($1) AND {pred}`.
fn keyed(alias: &str, key: &str, from: &str, pred: Pred, s: &mut Slot) -> String {
    format!(
        "SELECT {alias}.*, {alias}.{key} AS pb_parent FROM {from} \
         WHERE {alias}.{key} = ANY($1) AND {}",
        s.pred(pred)
    )
}

/// The windowed form of [`keyed`], numbering each parent's rows by `order`.
fn window(alias: &str, key: &str, from: &str, pred: Pred, order: &str, s: &mut Slot) -> String {
    window_sql(
        &format!("{alias}.*"),
        from,
        &format!("{alias}.{key}"),
        &s.pred(pred),
        order,
    )
}

/// Counts per parent of the rows [`keyed`] would select.
fn count(alias: &str, key: &str, from: &str, pred: Pred, s: &mut Slot) -> String {
    format!(
        "SELECT {alias}.{key} AS pb_parent, count(*) AS n FROM {from} \
         WHERE {alias}.{key} = ANY($1) AND {} GROUP BY {alias}.{key}",
        s.pred(pred)
    )
}

impl ReadSql {
    /// The statements for viewers of `shape`.
    fn new(shape: Shape) -> Self {
        let video = rule(Rule::Video, "v");
        let videos_join = |alias: &str, table: &str| {
            format!("{table} {alias} JOIN source_videos v ON v.id = {alias}.source_video_id")
        };
        let seg_from = videos_join("s", "transcript_segments");
        let km_from = videos_join("k", "key_moments");
        let moment = rule(Rule::Moment, "k");
        let hl_from = videos_join("h", "highlight_candidates");
        let run_from = videos_join("r", "pipeline_runs");
        let curate_v = rule(Rule::Curated, "v");
        let short_from = "generated_shorts g JOIN highlight_candidates h \
             ON h.id = g.highlight_candidate_id JOIN source_videos v ON v.id = h.source_video_id";
        let audit_from = "consent_audit_logs a JOIN video_consents c ON c.id = a.video_consent_id";
        let curate_c = rule(Rule::Curated, "c");
        let version_from =
            "technique_page_versions pv JOIN technique_pages p ON p.id = pv.technique_page_id";
        let curate_p = rule(Rule::Curated, "p");
        let event_from = "pipeline_events e JOIN pipeline_runs r ON r.id = e.pipeline_run_id \
             JOIN source_videos v ON v.id = r.source_video_id";
        let post = rule(Rule::Post, "p");
        let attachment_from = "post_attachments pa JOIN posts p ON p.id = pa.post_id";
        let admin = rule(Rule::AdminOnly, "x");
        let tag_pages_from =
            "technique_page_tags tpt JOIN technique_pages tp ON tp.id = tpt.technique_page_id";
        let page_tags = Rel {
            cols: columns::<tags::Entity>("g"),
            from: "technique_page_tags tpt JOIN tags g ON g.id = tpt.tag_id",
            key: "tpt.technique_page_id",
            pred: None,
            order: "g.name",
        };
        let page_related = Rel {
            cols: columns::<related_technique_links::Entity>("l"),
            from: "related_technique_links l",
            key: "l.source_page_id",
            pred: None,
            order: "l.created_at, l.id",
        };
        let page_sources = Rel {
            cols: columns::<source_videos::Entity>("v"),
            from: "technique_page_videos tpv JOIN source_videos v ON v.id = tpv.source_video_id",
            key: "tpv.technique_page_id",
            pred: rule(Rule::PageSource, "v"),
            order: "v.created_at, v.id",
        };
        // The pages the links of a page point to, as `page_summary_by_id` reads them.
        let link_targets = Rel {
            cols: page_summary_columns("r"),
            from: "related_technique_links rl JOIN technique_pages r ON r.id = rl.target_page_id",
            key: "rl.source_page_id",
            pred: None,
            order: "r.id",
        };
        let video_revocations = Rel {
            cols: columns::<video_revocations::Entity>("vr"),
            from: "video_revocations vr JOIN source_videos v ON v.id = vr.source_video_id",
            key: "vr.source_video_id",
            pred: curate_v,
            order: "vr.created_at DESC, vr.id",
        };
        let page = "pb_page.id";
        // After the slug and the four switches.
        let mut detail = Slot::new(shape, 6);
        let page_detail = format!(
            "SELECT {}, CASE WHEN $2 THEN {} END AS pb_tags, CASE WHEN $3 THEN {} END AS pb_related, \
             CASE WHEN $4 THEN {} END AS pb_targets, CASE WHEN $5 THEN {} END AS pb_sources \
             FROM technique_pages pb_page WHERE pb_page.slug = $1 \
             OR pb_page.id = (SELECT technique_page_id FROM technique_page_old_slugs WHERE slug = $1) \
             ORDER BY pb_page.slug = $1 DESC LIMIT 1",
            columns::<technique_pages::Entity>("pb_page"),
            page_tags.json_of(page, &mut detail),
            page_related.json_of(page, &mut detail),
            link_targets.json_of(page, &mut detail),
            page_sources.json_of(page, &mut detail),
        );
        let pages_window = |select: String, from: &str, key: &str| {
            window_sql(&select, from, key, "TRUE", "tp.title, tp.id")
        };
        let s = shape;

        Self {
            page_detail,
            page_detail_viewer: detail.used(),
            creator_by_id: sql(s, |s| keyed("c", "id", "creators c", None, s)),
            creator_pages: sql(s, |_| {
                pages_window(
                    page_summary_columns("tp"),
                    "technique_pages tp",
                    "tp.creator_id",
                )
            }),
            creator_pages_lean: sql(s, |_| {
                pages_window(
                    page_lean_columns("tp"),
                    "technique_pages tp",
                    "tp.creator_id",
                )
            }),
            creator_page_counts: sql(s, |_| {
                "SELECT creator_id AS pb_parent, count(*) AS n FROM technique_pages \
                 WHERE creator_id = ANY($1) GROUP BY creator_id"
                    .to_owned()
            }),
            follower_counts: sql(s, |_| {
                "SELECT creator_id AS pb_parent, count(*) AS n FROM creator_follows \
                 WHERE creator_id = ANY($1) GROUP BY creator_id"
                    .to_owned()
            }),
            user_by_id: sql(s, |s| keyed("u", "id", "users u", None, s)),
            follows: sql(s, |_| {
                "SELECT user_id AS pb_parent, creator_id FROM creator_follows \
                 WHERE user_id = ANY($1) AND creator_id = ANY($2)"
                    .to_owned()
            }),
            user_following: sql(s, |_| {
                window_sql(
                    &columns::<creators::Entity>("c"),
                    "creator_follows f JOIN creators c ON c.id = f.creator_id",
                    "f.user_id",
                    "TRUE",
                    "c.name, c.id",
                )
            }),
            user_following_counts: sql(s, |_| {
                "SELECT user_id AS pb_parent, count(*) AS n FROM creator_follows \
                 WHERE user_id = ANY($1) GROUP BY user_id"
                    .to_owned()
            }),
            page_by_id: sql(s, |s| keyed("t", "id", "technique_pages t", None, s)),
            page_summary_by_id: sql(s, |_| {
                format!(
                    "SELECT {}, t.id AS pb_parent FROM technique_pages t WHERE t.id = ANY($1)",
                    page_summary_columns("t")
                )
            }),
            tag_by_id: sql(s, |s| keyed("t", "id", "tags t", None, s)),
            page_tags: sql(s, |s| page_tags.batched(s)),
            tag_pages: sql(s, |_| {
                pages_window(page_summary_columns("tp"), tag_pages_from, "tpt.tag_id")
            }),
            tag_pages_lean: sql(s, |_| {
                pages_window(page_lean_columns("tp"), tag_pages_from, "tpt.tag_id")
            }),
            tag_page_counts: sql(s, |_| {
                "SELECT tag_id AS pb_parent, count(*) AS n FROM technique_page_tags \
                 WHERE tag_id = ANY($1) GROUP BY tag_id"
                    .to_owned()
            }),
            video_by_id: sql(s, |s| keyed("v", "id", "source_videos v", video, s)),
            creator_videos: sql(s, |s| {
                window(
                    "v",
                    "creator_id",
                    "source_videos v",
                    video,
                    "v.created_at DESC, v.id",
                    s,
                )
            }),
            creator_video_counts: sql(s, |s| count("v", "creator_id", "source_videos v", video, s)),
            segment_by_id: sql(s, |s| keyed("s", "id", &seg_from, video, s)),
            video_segments: sql(s, |s| {
                window(
                    "s",
                    "source_video_id",
                    "transcript_segments s",
                    None,
                    "s.start_time, s.id",
                    s,
                )
            }),
            video_segment_counts: sql(s, |s| {
                count("s", "source_video_id", "transcript_segments s", None, s)
            }),
            moment_by_id: sql(s, |s| {
                // The moment's own rule joins the video's (its `v` carries the video's).
                let from = format!("{km_from} AND {}", s.pred(moment));
                keyed("k", "id", &from, video, s)
            }),
            video_moments: sql(s, |s| {
                window(
                    "k",
                    "source_video_id",
                    "key_moments k",
                    moment,
                    "k.sort_order, k.start_time, k.id",
                    s,
                )
            }),
            video_moment_counts: sql(s, |s| {
                count("k", "source_video_id", "key_moments k", moment, s)
            }),
            highlight_by_id: sql(s, |s| keyed("h", "id", &hl_from, curate_v, s)),
            moment_highlight: sql(s, |s| keyed("h", "key_moment_id", &hl_from, curate_v, s)),
            video_highlights: sql(s, |s| {
                window(
                    "h",
                    "source_video_id",
                    &hl_from,
                    curate_v,
                    "h.score DESC, h.id",
                    s,
                )
            }),
            video_highlight_counts: sql(s, |s| {
                count("h", "source_video_id", &hl_from, curate_v, s)
            }),
            short_by_id: sql(s, |s| keyed("g", "id", short_from, curate_v, s)),
            highlight_shorts: sql(s, |s| {
                keyed("g", "highlight_candidate_id", short_from, curate_v, s)
            }),
            consent_by_id: sql(s, |s| keyed("c", "id", "video_consents c", curate_c, s)),
            video_consent: sql(s, |s| {
                keyed("c", "source_video_id", "video_consents c", curate_c, s)
            }),
            video_revocations: sql(s, |s| video_revocations.batched(s)),
            audit_by_id: sql(s, |s| keyed("a", "id", audit_from, curate_c, s)),
            consent_audit: sql(s, |s| {
                window(
                    "a",
                    "video_consent_id",
                    audit_from,
                    curate_c,
                    "a.version DESC, a.id",
                    s,
                )
            }),
            consent_audit_counts: sql(s, |s| {
                count("a", "video_consent_id", audit_from, curate_c, s)
            }),
            version_by_id: sql(s, |s| keyed("pv", "id", version_from, curate_p, s)),
            page_versions: sql(s, |s| {
                window(
                    "pv",
                    "technique_page_id",
                    version_from,
                    curate_p,
                    "pv.version_number DESC, pv.id",
                    s,
                )
            }),
            page_version_counts: sql(s, |s| {
                count("pv", "technique_page_id", version_from, curate_p, s)
            }),
            link_by_id: sql(s, |s| {
                keyed("l", "id", "related_technique_links l", None, s)
            }),
            page_related: sql(s, |s| page_related.batched(s)),
            page_referenced_by: sql(s, |s| {
                format!(
                    "{} ORDER BY l.created_at, l.id",
                    keyed("l", "target_page_id", "related_technique_links l", None, s)
                )
            }),
            page_sources: sql(s, |s| page_sources.batched(s)),
            video_pages: sql(s, |_| {
                format!(
                    "SELECT {}, tpv.source_video_id AS pb_parent FROM technique_page_videos tpv \
                     JOIN technique_pages t ON t.id = tpv.technique_page_id \
                     WHERE tpv.source_video_id = ANY($1) ORDER BY t.title, t.id",
                    page_summary_columns("t")
                )
            }),
            post_by_id: sql(s, |s| keyed("p", "id", "posts p", post, s)),
            creator_posts: sql(s, |s| {
                window(
                    "p",
                    "creator_id",
                    "posts p",
                    post,
                    "p.created_at DESC, p.id",
                    s,
                )
            }),
            creator_post_counts: sql(s, |s| count("p", "creator_id", "posts p", post, s)),
            attachment_by_id: sql(s, |s| keyed("pa", "id", attachment_from, post, s)),
            post_attachments: sql(s, |s| {
                format!(
                    "{} ORDER BY pa.created_at, pa.id",
                    keyed("pa", "post_id", "post_attachments pa", None, s)
                )
            }),
            run_by_id: sql(s, |s| keyed("r", "id", &run_from, curate_v, s)),
            video_runs: sql(s, |s| {
                window(
                    "r",
                    "source_video_id",
                    &run_from,
                    curate_v,
                    "r.created_at DESC, r.id",
                    s,
                )
            }),
            video_run_counts: sql(s, |s| count("r", "source_video_id", &run_from, curate_v, s)),
            event_by_id: sql(s, |s| keyed("e", "id", event_from, curate_v, s)),
            run_events: sql(s, |s| {
                window(
                    "e",
                    "pipeline_run_id",
                    "pipeline_events e",
                    None,
                    "e.created_at, e.id",
                    s,
                )
            }),
            run_event_counts: sql(s, |s| {
                count("e", "pipeline_run_id", "pipeline_events e", None, s)
            }),
            report_by_id: sql(s, |s| keyed("x", "id", "content_reports x", admin, s)),
            search_log_by_id: sql(s, |s| keyed("x", "id", "search_logs x", admin, s)),
            digest_by_id: sql(s, |s| keyed("x", "id", "email_digest_logs x", admin, s)),
            chat_by_id: sql(s, |s| keyed("x", "id", "chat_usage_logs x", admin, s)),
            invite_by_id: sql(s, |s| keyed("x", "id", "invite_codes x", admin, s)),
        }
    }
}

impl Loaders {
    /// Fresh loaders over `db` for a viewer with `scope`. The statements of each of the three
    /// visibility shapes are built once per process: every curator shares one set (their creator
    /// id is a bound parameter).
    /// Loaders batching within `window` (see [`super::BATCH_WINDOW`]).
    pub(crate) fn new(db: DatabaseConnection, scope: Scope, window: Duration) -> Self {
        static PUBLIC: OnceLock<Arc<ReadSql>> = OnceLock::new();
        static CURATOR: OnceLock<Arc<ReadSql>> = OnceLock::new();
        static ADMIN: OnceLock<Arc<ReadSql>> = OnceLock::new();
        let shape = scope.shape();
        let cell = match shape {
            Shape::Public => &PUBLIC,
            Shape::Curator => &CURATOR,
            Shape::Admin => &ADMIN,
        };
        let sql = cell.get_or_init(|| Arc::new(ReadSql::new(shape))).clone();
        Self::with_sql(db, scope, sql, window)
    }
}

/// The relations a technique page's detail view selects with the page, read in the page's own
/// statement by [`Loaders::page_by_slug`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PageDetail {
    /// The page's tags.
    pub tags: bool,
    /// The links from the page to others.
    pub related: bool,
    /// The pages those links point to (with their body deferred).
    pub targets: bool,
    /// The source videos the viewer may see as sources.
    pub sources: bool,
}

impl Loaders {
    /// The technique page with `slug` (or that had it before a curator changed it: old slugs keep
    /// resolving, a current slug wins), read in one statement with the relations `detail` names:
    /// those go straight into this request's loaders (`page_tags`, `page_related`,
    /// `page_summary_by_id`, `page_sources`), so the page's fields resolve without another
    /// statement. A detail view otherwise takes a round trip per relation and level.
    pub(crate) async fn page_by_slug(
        &self,
        slug: &str,
        detail: PageDetail,
    ) -> Result<Option<technique_pages::Model>, LoadError> {
        let mut values: Vec<Value> = vec![
            slug.into(),
            detail.tags.into(),
            detail.related.into(),
            (detail.related && detail.targets).into(),
            detail.sources.into(),
        ];
        if self.sql.page_detail_viewer {
            values.extend(self.scope.viewer_param().map(Value::from));
        }
        let Some(row) = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                self.sql.page_detail.as_str(),
                values,
            ))
            .await?
        else {
            return Ok(None);
        };
        let page = technique_pages::Model::from_query_result(&row, "")?;
        if let Some(tags) = json_rows::<tags::Model>(&row, "pb_tags")? {
            self.page_tags().feed_one(page.id, tags).await;
        }
        if let Some(links) = json_rows(&row, "pb_related")? {
            self.page_related().feed_one(page.id, links).await;
        }
        if let Some(targets) = json_rows::<technique_pages::Model>(&row, "pb_targets")? {
            let by_id = targets.into_iter().map(|t| (t.id, vec![t]));
            self.page_summary_by_id().feed_many(by_id).await;
        }
        if let Some(sources) = json_rows(&row, "pb_sources")? {
            self.page_sources().feed_one(page.id, sources).await;
        }
        Ok(Some(page))
    }
}

/// The rows in `row`'s JSON array column `column` (null when the relation was not asked for).
fn json_rows<M: DeserializeOwned>(
    row: &QueryResult,
    column: &str,
) -> Result<Option<Vec<M>>, LoadError> {
    let Some(text) = row.try_get::<Option<String>>("", column)? else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| DbErr::Json(format!("{column}: {e}")).into())
}

/// Loads the one row keyed `key` through a by-id (or one-per-parent) loader.
pub(crate) async fn one<L, M>(
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
pub(crate) async fn list<L, M>(
    loader: &Dl<L>,
    key: uuid::Uuid,
) -> Result<Vec<M>, crate::error::LoadError>
where
    L: Loader<uuid::Uuid, Value = Vec<M>, Error = crate::error::LoadError>,
    M: Clone + Send + Sync + 'static,
{
    Ok(loader.load_one(key).await?.unwrap_or_default())
}
