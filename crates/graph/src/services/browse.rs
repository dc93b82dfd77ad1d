//! Filtered, ordered root lists: creators, technique pages, key moments, videos. Each builds one
//! `Select` used for both the count and the page, so `totalCount` and rows always agree; the
//! viewer's visibility predicates are part of the select.

use entity::{
    creators, key_moments,
    sea_orm_active_enums::{ContentType, ProcessingStatus, SourceQuality},
    source_videos, technique_pages,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Select, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    services::error::{ServiceError, ServiceResult},
    services::window::Window,
    services::{
        ids::CreatorId,
        permissions::{Permission, Viewer, authorize},
        tags::normalize,
        visibility::{Alias, Rule, Scope},
    },
};

/// A filtered list: count it, or fetch a window of it.
pub(crate) struct Listing<E: EntityTrait> {
    select: Select<E>,
}

impl<E: EntityTrait> Listing<E>
where
    E::Model: Send + Sync,
{
    /// A listing over `select` (which must be ordered by a unique key last).
    pub(crate) fn new(select: Select<E>) -> Self {
        Self { select }
    }

    /// How many rows match.
    pub(crate) async fn count(&self, db: &impl ConnectionTrait) -> ServiceResult<u64> {
        Ok(self.select.clone().count(db).await?)
    }

    /// The rows of `window` (plus one, to learn whether more follow).
    pub(crate) async fn page(
        &self,
        db: &impl ConnectionTrait,
        window: Window,
    ) -> ServiceResult<Vec<E::Model>> {
        Ok(self
            .select
            .clone()
            .offset(window.offset)
            .limit(window.fetch())
            .all(db)
            .await?)
    }
}

/// Narrows the creator directory; all given conditions must hold.
#[derive(Debug, Clone, Default)]
pub(crate) struct CreatorFilter {
    /// Creators working in this genre (case-insensitive).
    pub genre: Option<String>,
    /// Only spotlighted (`true`) or only other (`false`) creators.
    pub featured: Option<bool>,
    /// Words that must appear in the name or bio (case-insensitive).
    pub text: Option<String>,
}

/// Orders of the creator directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatorOrder {
    /// By name, A to Z.
    NameAsc,
    /// By name, Z to A.
    NameDesc,
    /// Newest first.
    CreatedAtDesc,
}

/// Tag conditions of a technique page filter (names are normalized like tags).
#[derive(Debug, Clone, Default)]
pub(crate) struct TagMatch {
    /// Pages carrying at least one of these tags.
    pub any: Option<Vec<String>>,
    /// Pages carrying every one of these tags.
    pub all: Option<Vec<String>>,
}

/// Narrows technique pages; all given conditions must hold.
#[derive(Debug, Clone, Default)]
pub(crate) struct TechniquePageFilter {
    /// Pages of this creator.
    pub creator: Option<CreatorId>,
    /// Pages in this topic category (case-insensitive).
    pub topic_category: Option<String>,
    /// Pages with any / all of these tags.
    pub tags: Option<TagMatch>,
    /// Pages using this plugin (case-insensitive).
    pub plugin: Option<String>,
    /// Pages of this source quality.
    pub source_quality: Option<SourceQuality>,
    /// Words that must appear in the title or summary (case-insensitive).
    pub text: Option<String>,
}

/// Orders of technique page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TechniquePageOrder {
    /// By title, A to Z.
    TitleAsc,
    /// Most viewed first.
    ViewCountDesc,
    /// Newest first.
    CreatedAtDesc,
    /// Most recently changed first.
    UpdatedAtDesc,
}

/// Narrows key moments; all given conditions must hold.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyMomentFilter {
    /// Moments of this video (`source_videos.id`).
    pub video: Option<Uuid>,
    /// Moments of this kind.
    pub content_type: Option<ContentType>,
    /// Moments in this review state (its stored text, e.g. `approved`).
    pub review_status: Option<&'static str>,
    /// Moments in this topic category (case-insensitive).
    pub topic_category: Option<String>,
    /// Moments ending at or after this time (seconds into the video).
    pub from_seconds: Option<f64>,
    /// Moments starting at or before this time (seconds into the video).
    pub to_seconds: Option<f64>,
}

/// Orders of key moment lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMomentOrder {
    /// By video, then position within it.
    VideoPosition,
    /// Newest first.
    CreatedAtDesc,
}

/// Narrows videos; all given conditions must hold.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceVideoFilter {
    /// Videos of this creator.
    pub creator: Option<CreatorId>,
    /// Videos in this processing state.
    pub processing_status: Option<ProcessingStatus>,
    /// Videos whose creator did (true) or did not (false) consent to training; a video without
    /// a consent row has the default, false. Admins only.
    pub training_usage: Option<bool>,
}

/// Orders of video lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceVideoOrder {
    /// Newest first.
    CreatedAtDesc,
    /// Oldest first.
    CreatedAtAsc,
    /// By filename, A to Z.
    FilenameAsc,
}

/// Trims free text; empty text is rejected rather than matching everything silently.
pub(crate) fn text_arg(text: Option<&str>, field: &str) -> ServiceResult<Option<String>> {
    match text.map(str::trim) {
        None => Ok(None),
        Some("") => Err(ServiceError::invalid(
            field,
            format!("`{field}` must not be empty"),
        )),
        Some(t) if t.len() > 200 => Err(ServiceError::invalid(
            field,
            format!("`{field}` must be at most 200 characters"),
        )),
        Some(t) => Ok(Some(t.to_owned())),
    }
}

/// `%text%` for ILIKE, with LIKE's wildcards escaped.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Creators matching `filter` in `order`.
pub(crate) fn creators(
    filter: &CreatorFilter,
    order: CreatorOrder,
) -> ServiceResult<Listing<creators::Entity>> {
    let mut q = creators::Entity::find();
    if let Some(genre) = text_arg(filter.genre.as_deref(), "genre")? {
        q = q.filter(Expr::cust_with_values(
            "EXISTS (SELECT 1 FROM unnest(creators.genres) g WHERE lower(g) = lower($1))",
            [genre],
        ));
    }
    if let Some(featured) = filter.featured {
        q = q.filter(creators::Column::Featured.eq(featured));
    }
    if let Some(text) = text_arg(filter.text.as_deref(), "text")? {
        q = q.filter(Expr::cust_with_values(
            "(creators.name ILIKE $1 OR coalesce(creators.bio, '') ILIKE $1)",
            [like_pattern(&text)],
        ));
    }
    q = match order {
        CreatorOrder::NameAsc => q.order_by_asc(creators::Column::Name),
        CreatorOrder::NameDesc => q.order_by_desc(creators::Column::Name),
        CreatorOrder::CreatedAtDesc => q.order_by_desc(creators::Column::CreatedAt),
    };
    Ok(Listing {
        select: q.order_by_asc(creators::Column::Id),
    })
}

/// Technique pages matching `filter` in `order`.
pub(crate) fn technique_pages(
    filter: &TechniquePageFilter,
    order: TechniquePageOrder,
) -> ServiceResult<Listing<technique_pages::Entity>> {
    let mut q = super::technique_pages::summaries();
    if let Some(creator) = filter.creator {
        q = q.filter(technique_pages::Column::CreatorId.eq(creator));
    }
    if let Some(category) = text_arg(filter.topic_category.as_deref(), "topicCategory")? {
        q = q.filter(Expr::cust_with_values(
            "lower(technique_pages.topic_category) = lower($1)",
            [category],
        ));
    }
    if let Some(tags) = &filter.tags {
        if let Some(any) = &tags.any {
            let names: Vec<String> = any.iter().map(|t| normalize(t)).collect();
            q = q.filter(Expr::cust_with_values(
                "EXISTS (SELECT 1 FROM technique_page_tags pt JOIN tags t ON t.id = pt.tag_id \
                 WHERE pt.technique_page_id = technique_pages.id AND t.name = ANY($1))",
                [names],
            ));
        }
        if let Some(all) = &tags.all {
            let mut names: Vec<String> = all.iter().map(|t| normalize(t)).collect();
            names.sort();
            names.dedup();
            let n = i64::try_from(names.len()).unwrap_or(i64::MAX);
            q = q.filter(Expr::cust_with_values(
                "(SELECT count(*) FROM technique_page_tags pt JOIN tags t ON t.id = pt.tag_id \
                 WHERE pt.technique_page_id = technique_pages.id AND t.name = ANY($1)) = $2",
                [sea_orm::Value::from(names), sea_orm::Value::from(n)],
            ));
        }
    }
    if let Some(plugin) = text_arg(filter.plugin.as_deref(), "plugin")? {
        q = q.filter(Expr::cust_with_values(
            "EXISTS (SELECT 1 FROM unnest(technique_pages.plugins) p WHERE lower(p) = lower($1))",
            [plugin],
        ));
    }
    if let Some(quality) = filter.source_quality {
        q = q.filter(technique_pages::Column::SourceQuality.eq(quality));
    }
    if let Some(text) = text_arg(filter.text.as_deref(), "text")? {
        q = q.filter(Expr::cust_with_values(
            "(technique_pages.title ILIKE $1 OR technique_pages.summary ILIKE $1)",
            [like_pattern(&text)],
        ));
    }
    q = match order {
        TechniquePageOrder::TitleAsc => q.order_by_asc(technique_pages::Column::Title),
        TechniquePageOrder::ViewCountDesc => q.order_by_desc(technique_pages::Column::ViewCount),
        TechniquePageOrder::CreatedAtDesc => q.order_by_desc(technique_pages::Column::CreatedAt),
        TechniquePageOrder::UpdatedAtDesc => q.order_by_desc(technique_pages::Column::UpdatedAt),
    };
    Ok(Listing {
        select: q.order_by_asc(technique_pages::Column::Id),
    })
}

/// Key moments of videos the viewer may see, matching `filter` in `order`.
pub(crate) fn key_moments(
    scope: &Scope,
    filter: &KeyMomentFilter,
    order: KeyMomentOrder,
) -> ServiceResult<Listing<key_moments::Entity>> {
    let mut q = key_moments::Entity::find()
        .join(
            JoinType::InnerJoin,
            key_moments::Relation::SourceVideos.def(),
        )
        .filter(scope.expr(Rule::Video, Alias::new("source_videos")))
        .filter(scope.expr(Rule::Moment, Alias::new("key_moments")));
    if let Some(video) = filter.video {
        q = q.filter(key_moments::Column::SourceVideoId.eq(video));
    }
    if let Some(kind) = filter.content_type {
        q = q.filter(key_moments::Column::ContentType.eq(kind));
    }
    if let Some(status) = filter.review_status {
        q = q.filter(key_moments::Column::ReviewStatus.eq(status));
    }
    if let Some(category) = text_arg(filter.topic_category.as_deref(), "topicCategory")? {
        q = q.filter(Expr::cust_with_values(
            "lower(key_moments.topic_category) = lower($1)",
            [category],
        ));
    }
    if let Some(from) = filter.from_seconds {
        q = q.filter(key_moments::Column::EndTime.gte(from));
    }
    if let Some(to) = filter.to_seconds {
        q = q.filter(key_moments::Column::StartTime.lte(to));
    }
    q = match order {
        KeyMomentOrder::VideoPosition => q
            .order_by_asc(key_moments::Column::SourceVideoId)
            .order_by_asc(key_moments::Column::SortOrder)
            .order_by_asc(key_moments::Column::StartTime),
        KeyMomentOrder::CreatedAtDesc => q.order_by_desc(key_moments::Column::CreatedAt),
    };
    Ok(Listing {
        select: q.order_by_asc(key_moments::Column::Id),
    })
}

/// Videos the viewer may see, matching `filter` in `order`. Filtering by training consent asks
/// `Permission::ReadConsentAudit` (admins).
pub(crate) fn source_videos(
    viewer: &Viewer,
    scope: &Scope,
    filter: &SourceVideoFilter,
    order: SourceVideoOrder,
) -> ServiceResult<Listing<source_videos::Entity>> {
    let mut q =
        source_videos::Entity::find().filter(scope.expr(Rule::Video, Alias::new("source_videos")));
    if let Some(training) = filter.training_usage {
        authorize(viewer, Permission::ReadConsentAudit)?;
        q = q.filter(Expr::cust_with_values(
            "coalesce((SELECT c.training_usage FROM video_consents c \
             WHERE c.source_video_id = source_videos.id), false) = $1",
            [training],
        ));
    }
    if let Some(creator) = filter.creator {
        q = q.filter(source_videos::Column::CreatorId.eq(creator));
    }
    if let Some(status) = filter.processing_status {
        q = q.filter(source_videos::Column::ProcessingStatus.eq(status));
    }
    q = match order {
        SourceVideoOrder::CreatedAtDesc => q.order_by_desc(source_videos::Column::CreatedAt),
        SourceVideoOrder::CreatedAtAsc => q.order_by_asc(source_videos::Column::CreatedAt),
        SourceVideoOrder::FilenameAsc => q.order_by_asc(source_videos::Column::Filename),
    };
    Ok(Listing {
        select: q.order_by_asc(source_videos::Column::Id),
    })
}
