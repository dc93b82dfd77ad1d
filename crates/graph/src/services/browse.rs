//! Filtered, ordered root lists: creators, technique pages, key moments, videos. Each builds one
//! `Select` used for both the count and the page, so `totalCount` and rows always agree; the
//! viewer's visibility predicates are part of the select.

use entity::{creators, key_moments, source_videos, technique_pages};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Select, sea_query::Expr,
};

use crate::{
    error::ServiceResult,
    ids::NodeKind,
    inputs::{
        CreatorFilter, CreatorOrder, KeyMomentFilter, KeyMomentOrder, SourceVideoFilter,
        SourceVideoOrder, TechniquePageFilter, TechniquePageOrder, decode_opt, like_pattern,
        text_arg,
    },
    pagination::Window,
    services::{tags::normalize, visibility::Scope},
};

/// A filtered list: count it, or fetch a window of it.
pub struct Listing<E: EntityTrait> {
    select: Select<E>,
}

impl<E: EntityTrait> Listing<E>
where
    E::Model: Send + Sync,
{
    /// A listing over `select` (which must be ordered by a unique key last).
    pub fn new(select: Select<E>) -> Self {
        Self { select }
    }

    /// How many rows match.
    pub async fn count(&self, db: &DatabaseConnection) -> ServiceResult<u64> {
        Ok(self.select.clone().count(db).await?)
    }

    /// The rows of `window` (plus one, to learn whether more follow).
    pub async fn page(
        &self,
        db: &DatabaseConnection,
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

/// Creators matching `filter` in `order`.
pub fn creators(
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
pub fn technique_pages(
    filter: &TechniquePageFilter,
    order: TechniquePageOrder,
) -> ServiceResult<Listing<technique_pages::Entity>> {
    let mut q = super::technique_pages::summaries();
    if let Some(creator) = decode_opt(filter.creator.as_ref(), NodeKind::Creator, "creator")? {
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
        let quality: entity::sea_orm_active_enums::SourceQuality = quality.into();
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
pub fn key_moments(
    scope: &Scope,
    filter: &KeyMomentFilter,
    order: KeyMomentOrder,
) -> ServiceResult<Listing<key_moments::Entity>> {
    let mut q = key_moments::Entity::find()
        .join(
            JoinType::InnerJoin,
            key_moments::Relation::SourceVideos.def(),
        )
        .filter(Expr::cust(scope.video("source_videos")));
    if let Some(video) = decode_opt(filter.video.as_ref(), NodeKind::SourceVideo, "video")? {
        q = q.filter(key_moments::Column::SourceVideoId.eq(video));
    }
    if let Some(kind) = filter.content_type {
        let kind: entity::sea_orm_active_enums::ContentType = kind.into();
        q = q.filter(key_moments::Column::ContentType.eq(kind));
    }
    if let Some(status) = filter.review_status {
        q = q.filter(key_moments::Column::ReviewStatus.eq(status.as_str()));
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

/// Videos the viewer may see, matching `filter` in `order`.
pub fn source_videos(
    scope: &Scope,
    filter: &SourceVideoFilter,
    order: SourceVideoOrder,
) -> ServiceResult<Listing<source_videos::Entity>> {
    let mut q = source_videos::Entity::find().filter(Expr::cust(scope.video("source_videos")));
    if let Some(creator) = decode_opt(filter.creator.as_ref(), NodeKind::Creator, "creator")? {
        q = q.filter(source_videos::Column::CreatorId.eq(creator));
    }
    if let Some(status) = filter.processing_status {
        let status: entity::sea_orm_active_enums::ProcessingStatus = status.into();
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
