//! Builders for the rows tests need, on the entities' ActiveModels.
//!
//! Each builder function fills the required columns with sensible values; setters change what a
//! test cares about, and awaiting the builder (or calling `insert`) inserts the row and returns
//! its model:
//!
//! ```ignore
//! let creator = fixtures::creator(&t.db, "Kilo Watt").featured(true).await;
//! let video = fixtures::video(&t.db, &creator).status(ProcessingStatus::Revoked).await;
//! fixtures::consent(&t.db, &video).public_display(false).await;
//! ```
//!
//! A builder panics when the database refuses its row: a test's fixtures are never the thing
//! under test. Tests that insert raw rows on purpose (a constraint, a row the schema forbids) say
//! so where they do.

use std::future::IntoFuture;

use chrono::NaiveDateTime;
use entity::{
    consent_audit_logs, content_reports, creators, generated_shorts, highlight_candidates,
    key_moments, pipeline_events, pipeline_runs, posts,
    sea_orm_active_enums::{
        ConsentField, ContentType, FormatPreset, ProcessingStatus, ReportType, ShortStatus,
        SourceQuality,
    },
    search_logs, source_videos, tags, technique_page_tags, technique_page_versions,
    technique_page_videos, technique_pages, transcript_segments, video_consents,
};
use futures::future::BoxFuture;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;

/// Turns a name into a slug (`"Mr. Bill"` → `"mr-bill"`).
pub fn slugify(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|&v| v.to_owned()).collect()
}

/// Declares a builder over `$entity`'s ActiveModel: the struct, `insert`, and `IntoFuture` (so
/// awaiting the builder inserts).
macro_rules! builder {
    ($(#[$doc:meta])* $name:ident => $entity:ident) => {
        $(#[$doc])*
        #[must_use = "a builder inserts nothing until it is awaited"]
        pub struct $name<'a> {
            db: &'a DatabaseConnection,
            row: $entity::ActiveModel,
        }

        impl<'a> $name<'a> {
            /// Inserts the row and returns it as stored (database defaults filled in).
            pub async fn insert(self) -> $entity::Model {
                self.row.insert(self.db).await.unwrap_or_else(|e| {
                    panic!(concat!("inserting a ", stringify!($entity), " fixture: {}"), e)
                })
            }
        }

        impl<'a> IntoFuture for $name<'a> {
            type Output = $entity::Model;
            type IntoFuture = BoxFuture<'a, $entity::Model>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.insert())
            }
        }
    };
}

builder!(
    /// A creator; see [`creator`].
    CreatorBuilder => creators
);

/// A creator named `name`, slugged from it, with two genres and a social link.
pub fn creator<'a>(db: &'a DatabaseConnection, name: &str) -> CreatorBuilder<'a> {
    CreatorBuilder {
        db,
        row: creators::ActiveModel {
            id: Set(Uuid::new_v4()),
            name: Set(name.to_owned()),
            slug: Set(slugify(name)),
            genres: Set(strings(&["dubstep", "sound design"])),
            social_links: Set(
                json!({"youtube": format!("https://youtube.example/{}", slugify(name))}),
            ),
            ..Default::default()
        },
    }
}

impl CreatorBuilder<'_> {
    /// Sets the slug (default: the name's).
    pub fn slug(mut self, slug: &str) -> Self {
        self.row.slug = Set(slug.to_owned());
        self
    }

    /// Sets the bio (default: none).
    pub fn bio(mut self, bio: &str) -> Self {
        self.row.bio = Set(Some(bio.to_owned()));
        self
    }

    /// Sets the genres (default: dubstep, sound design).
    pub fn genres(mut self, genres: &[&str]) -> Self {
        self.row.genres = Set(strings(genres));
        self
    }

    /// Marks the creator featured or not (default: not).
    pub fn featured(mut self, featured: bool) -> Self {
        self.row.featured = Set(featured);
        self
    }

    /// Sets the stored shorts template JSON as is (default: none).
    pub fn shorts_template(mut self, template: Value) -> Self {
        self.row.shorts_template = Set(Some(template));
        self
    }

    /// Sets the stored personality profile JSON (default: none).
    pub fn personality_profile(mut self, profile: Value) -> Self {
        self.row.personality_profile = Set(Some(profile));
        self
    }

    /// Sets the stored social links map (default: a youtube link).
    pub fn social_links(mut self, links: Value) -> Self {
        self.row.social_links = Set(links);
        self
    }
}

builder!(
    /// A technique page; see [`page`].
    PageBuilder => technique_pages
);

/// A technique page of `creator` titled `title`: slug `<creator>-<title>`, a one-line summary,
/// an empty v2 body, the Serum plugin, no category.
pub fn page<'a>(
    db: &'a DatabaseConnection,
    creator: &creators::Model,
    title: &str,
) -> PageBuilder<'a> {
    PageBuilder {
        db,
        row: technique_pages::ActiveModel {
            id: Set(Uuid::new_v4()),
            creator_id: Set(creator.id),
            title: Set(title.to_owned()),
            slug: Set(format!("{}-{}", creator.slug, slugify(title))),
            summary: Set(format!("How {} does {title}", creator.name)),
            body_sections: Set(json!([])),
            body_sections_format: Set("v2".into()),
            plugins: Set(strings(&["Serum"])),
            topic_tags: Set(vec![]),
            ..Default::default()
        },
    }
}

impl PageBuilder<'_> {
    /// Sets the slug.
    pub fn slug(mut self, slug: &str) -> Self {
        self.row.slug = Set(slug.to_owned());
        self
    }

    /// Sets the summary.
    pub fn summary(mut self, summary: &str) -> Self {
        self.row.summary = Set(summary.to_owned());
        self
    }

    /// Sets the topic category (default: none).
    pub fn topic_category(mut self, category: &str) -> Self {
        self.row.topic_category = Set(Some(category.to_owned()));
        self
    }

    /// Sets the plugins (default: Serum).
    pub fn plugins(mut self, plugins: &[&str]) -> Self {
        self.row.plugins = Set(strings(plugins));
        self
    }

    /// Sets the body and its format (`"v1"`: an object of section name → text; `"v2"`: a list of
    /// `{heading, content, children}`).
    pub fn body(mut self, format: &str, sections: Value) -> Self {
        self.row.body_sections_format = Set(format.to_owned());
        self.row.body_sections = Set(sections);
        self
    }

    /// Sets the signal chains (default: none).
    pub fn signal_chains(mut self, chains: Value) -> Self {
        self.row.signal_chains = Set(Some(chains));
        self
    }

    /// Sets the source quality (default: none).
    pub fn source_quality(mut self, quality: SourceQuality) -> Self {
        self.row.source_quality = Set(Some(quality));
        self
    }

    /// Sets the view count (default: 0).
    pub fn view_count(mut self, views: i32) -> Self {
        self.row.view_count = Set(views);
        self
    }
}

/// Inserts a tag.
pub async fn tag(db: &DatabaseConnection, name: &str) -> tags::Model {
    tags::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// Tags `page` with `tag`.
pub async fn tag_page(db: &DatabaseConnection, page: &technique_pages::Model, tag: &tags::Model) {
    technique_page_tags::ActiveModel {
        technique_page_id: Set(page.id),
        tag_id: Set(tag.id),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}

/// Lists `video` among the sources of `page`.
pub async fn page_source(
    db: &DatabaseConnection,
    page: &technique_pages::Model,
    video: &source_videos::Model,
) {
    technique_page_videos::ActiveModel {
        technique_page_id: Set(page.id),
        source_video_id: Set(video.id),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}

builder!(
    /// A source video; see [`video`].
    VideoBuilder => source_videos
);

/// A video of `creator`, `video.mp4` in folder `f`, processing complete. Without a
/// [`consent`] row nobody but its curators sees it.
pub fn video<'a>(db: &'a DatabaseConnection, creator: &creators::Model) -> VideoBuilder<'a> {
    VideoBuilder {
        db,
        row: source_videos::ActiveModel {
            id: Set(Uuid::new_v4()),
            creator_id: Set(creator.id),
            filename: Set("video.mp4".into()),
            folder_name: Set("f".into()),
            processing_status: Set(ProcessingStatus::Complete),
            ..Default::default()
        },
    }
}

impl VideoBuilder<'_> {
    /// Sets the id (for tests that order or name videos by id).
    pub fn id(mut self, id: Uuid) -> Self {
        self.row.id = Set(id);
        self
    }

    /// Sets the file name.
    pub fn filename(mut self, filename: &str) -> Self {
        self.row.filename = Set(filename.to_owned());
        self
    }

    /// Sets the processing status (default: complete).
    pub fn status(mut self, status: ProcessingStatus) -> Self {
        self.row.processing_status = Set(status);
        self
    }

    /// Sets the creation time (default: now, in UTC).
    pub fn created_at(mut self, at: NaiveDateTime) -> Self {
        self.row.created_at = Set(at);
        self
    }
}

builder!(
    /// A video's consent row; see [`consent`].
    ConsentBuilder => video_consents
);

/// The consent of `video`'s creator for it: knowledge-base inclusion and public display granted
/// (the schema's default refuses inclusion), training refused.
pub fn consent<'a>(db: &'a DatabaseConnection, video: &source_videos::Model) -> ConsentBuilder<'a> {
    ConsentBuilder {
        db,
        row: video_consents::ActiveModel {
            id: Set(Uuid::new_v4()),
            source_video_id: Set(video.id),
            creator_id: Set(video.creator_id),
            kb_inclusion: Set(true),
            public_display: Set(true),
            ..Default::default()
        },
    }
}

impl ConsentBuilder<'_> {
    /// Grants or refuses knowledge-base inclusion (default: granted).
    pub fn kb_inclusion(mut self, granted: bool) -> Self {
        self.row.kb_inclusion = Set(granted);
        self
    }

    /// Grants or refuses public display (default: granted).
    pub fn public_display(mut self, granted: bool) -> Self {
        self.row.public_display = Set(granted);
        self
    }
}

builder!(
    /// A key moment; see [`key_moment`].
    KeyMomentBuilder => key_moments
);

/// A key moment of `video` titled `title`: a tip from 0 s to 10 s, no summary, no category.
pub fn key_moment<'a>(
    db: &'a DatabaseConnection,
    video: &source_videos::Model,
    title: &str,
) -> KeyMomentBuilder<'a> {
    KeyMomentBuilder {
        db,
        row: key_moments::ActiveModel {
            id: Set(Uuid::new_v4()),
            source_video_id: Set(video.id),
            title: Set(title.to_owned()),
            start_time: Set(0.0),
            end_time: Set(10.0),
            content_type: Set(ContentType::Tip),
            ..Default::default()
        },
    }
}

impl KeyMomentBuilder<'_> {
    /// Sets the summary (default: empty).
    pub fn summary(mut self, summary: &str) -> Self {
        self.row.summary = Set(summary.to_owned());
        self
    }

    /// Sets the start and end, in seconds.
    pub fn span(mut self, start: f64, end: f64) -> Self {
        self.row.start_time = Set(start);
        self.row.end_time = Set(end);
        self
    }

    /// Sets the content type (default: tip).
    pub fn content_type(mut self, kind: ContentType) -> Self {
        self.row.content_type = Set(kind);
        self
    }

    /// Sets the topic category (default: none).
    pub fn topic_category(mut self, category: &str) -> Self {
        self.row.topic_category = Set(Some(category.to_owned()));
        self
    }

    /// Sets the review status (default: the schema's, pending).
    pub fn review_status(mut self, status: &str) -> Self {
        self.row.review_status = Set(status.to_owned());
        self
    }

    /// Sets the chapter status (default: the schema's, draft).
    pub fn chapter_status(mut self, status: entity::sea_orm_active_enums::ChapterStatus) -> Self {
        self.row.chapter_status = Set(status);
        self
    }
}

builder!(
    /// A transcript segment; see [`segment`].
    SegmentBuilder => transcript_segments
);

/// A transcript line of `video` saying `text`, from 0 s to 5 s.
pub fn segment<'a>(
    db: &'a DatabaseConnection,
    video: &source_videos::Model,
    text: &str,
) -> SegmentBuilder<'a> {
    SegmentBuilder {
        db,
        row: transcript_segments::ActiveModel {
            id: Set(Uuid::new_v4()),
            source_video_id: Set(video.id),
            start_time: Set(0.0),
            end_time: Set(5.0),
            text: Set(text.to_owned()),
        },
    }
}

impl SegmentBuilder<'_> {
    /// Sets the start and end, in seconds.
    pub fn span(mut self, start: f64, end: f64) -> Self {
        self.row.start_time = Set(start);
        self.row.end_time = Set(end);
        self
    }
}

builder!(
    /// A highlight candidate; see [`highlight`].
    HighlightBuilder => highlight_candidates
);

/// The highlight candidate of `moment` (in the moment's video): score 0.9, 10 s long.
pub fn highlight<'a>(
    db: &'a DatabaseConnection,
    moment: &key_moments::Model,
) -> HighlightBuilder<'a> {
    HighlightBuilder {
        db,
        row: highlight_candidates::ActiveModel {
            id: Set(Uuid::new_v4()),
            key_moment_id: Set(moment.id),
            source_video_id: Set(moment.source_video_id),
            score: Set(0.9),
            duration_secs: Set(10.0),
            ..Default::default()
        },
    }
}

builder!(
    /// A generated short; see [`short`].
    ShortBuilder => generated_shorts
);

/// A vertical short of `highlight`, rendering complete, stored under `object_key`, no share token.
pub fn short<'a>(
    db: &'a DatabaseConnection,
    highlight: &highlight_candidates::Model,
    object_key: &str,
) -> ShortBuilder<'a> {
    ShortBuilder {
        db,
        row: generated_shorts::ActiveModel {
            id: Set(Uuid::new_v4()),
            highlight_candidate_id: Set(highlight.id),
            preset: Set(FormatPreset::Vertical),
            status: Set(ShortStatus::Complete),
            object_key: Set(object_key.to_owned()),
            ..Default::default()
        },
    }
}

impl ShortBuilder<'_> {
    /// Sets the format preset (default: vertical; one short per highlight and preset).
    pub fn preset(mut self, preset: FormatPreset) -> Self {
        self.row.preset = Set(preset);
        self
    }

    /// Sets the rendering status (default: complete).
    pub fn status(mut self, status: ShortStatus) -> Self {
        self.row.status = Set(status);
        self
    }

    /// Sets the share token (default: none).
    pub fn share_token(mut self, token: &str) -> Self {
        self.row.share_token = Set(Some(token.to_owned()));
        self
    }
}

builder!(
    /// A post; see [`post`].
    PostBuilder => posts
);

/// A published post of `creator` titled `title`, with the schema's empty body.
pub fn post<'a>(
    db: &'a DatabaseConnection,
    creator: &creators::Model,
    title: &str,
) -> PostBuilder<'a> {
    PostBuilder {
        db,
        row: posts::ActiveModel {
            id: Set(Uuid::new_v4()),
            title: Set(title.to_owned()),
            is_published: Set(true),
            creator_id: Set(creator.id),
            ..Default::default()
        },
    }
}

impl PostBuilder<'_> {
    /// Publishes the post or keeps it a draft (default: published).
    pub fn published(mut self, published: bool) -> Self {
        self.row.is_published = Set(published);
        self
    }
}

/// Version `number` of `page`, with an empty snapshot.
pub async fn page_version(
    db: &DatabaseConnection,
    page: &technique_pages::Model,
    number: i32,
) -> technique_page_versions::Model {
    technique_page_versions::ActiveModel {
        id: Set(Uuid::new_v4()),
        technique_page_id: Set(page.id),
        version_number: Set(number),
        content_snapshot: Set(json!({})),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// Audit entry `version` of `consent`: `field` set to `new_value`, by nobody known.
pub async fn consent_audit(
    db: &DatabaseConnection,
    consent: &video_consents::Model,
    version: i32,
    field: ConsentField,
    new_value: bool,
) -> consent_audit_logs::Model {
    consent_audit_logs::ActiveModel {
        id: Set(Uuid::new_v4()),
        video_consent_id: Set(consent.id),
        version: Set(version),
        field_name: Set(field),
        new_value: Set(new_value),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// A pipeline run of `video`, with the schema's defaults (pending, triggered automatically).
pub async fn pipeline_run(
    db: &DatabaseConnection,
    video: &source_videos::Model,
) -> pipeline_runs::Model {
    pipeline_runs::ActiveModel {
        id: Set(Uuid::new_v4()),
        source_video_id: Set(video.id),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// An event of `run` at `stage`, of type `event_type` (e.g. `"started"`).
pub async fn pipeline_event(
    db: &DatabaseConnection,
    run: &pipeline_runs::Model,
    stage: i32,
    event_type: &str,
) -> pipeline_events::Model {
    pipeline_events::ActiveModel {
        id: Set(Uuid::new_v4()),
        pipeline_run_id: Set(run.id),
        stage: Set(stage),
        event_type: Set(event_type.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// An open, anonymous report of type `kind` on `page`.
pub async fn page_report(
    db: &DatabaseConnection,
    page: &technique_pages::Model,
    kind: ReportType,
) -> content_reports::Model {
    content_reports::ActiveModel {
        id: Set(Uuid::new_v4()),
        report_type: Set(kind),
        target_type: Set("technique_page".into()),
        target_id: Set(page.id),
        creator_id: Set(Some(page.creator_id)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

builder!(
    /// A search-log row; see [`search_log`].
    SearchLogBuilder => search_logs
);

/// A search for `query` that found `result_count` results, by an anonymous viewer, now.
pub fn search_log<'a>(
    db: &'a DatabaseConnection,
    query: &str,
    result_count: i32,
) -> SearchLogBuilder<'a> {
    SearchLogBuilder {
        db,
        row: search_logs::ActiveModel {
            id: Set(Uuid::new_v4()),
            query: Set(query.to_owned()),
            result_count: Set(result_count),
            ..Default::default()
        },
    }
}

impl SearchLogBuilder<'_> {
    /// Sets when the search ran (default: now, in UTC).
    pub fn created_at(mut self, at: NaiveDateTime) -> Self {
        self.row.created_at = Set(at);
        self
    }
}

/// A `related` link from `source` to `target` (creators' pages; the mutation's rules are not
/// checked here).
pub async fn related_link(
    db: &DatabaseConnection,
    source: &technique_pages::Model,
    target: &technique_pages::Model,
) -> entity::related_technique_links::Model {
    entity::related_technique_links::ActiveModel {
        id: Set(Uuid::new_v4()),
        source_page_id: Set(source.id),
        target_page_id: Set(target.id),
        relationship: Set(entity::sea_orm_active_enums::RelationshipType::Related),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// `user` follows `creator`.
pub async fn follow(
    db: &DatabaseConnection,
    user: &entity::users::Model,
    creator: &creators::Model,
) -> entity::creator_follows::Model {
    entity::creator_follows::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        creator_id: Set(creator.id),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}
