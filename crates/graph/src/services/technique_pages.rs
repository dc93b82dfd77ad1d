//! Technique pages: the list form that leaves the body out. A page by slug, with the relations
//! of its detail view, is `Loaders::page_by_slug` (`crate::loaders`) (one statement, visibility per viewer).

use entity::technique_pages::{self, Column};
use sea_orm::{EntityTrait, IdenStatic, Iterable, QuerySelect, Select, sea_query::Expr};

/// A column a list row leaves out, with the SQL value it reads in its place.
pub(crate) type Deferred = (Column, &'static str);

/// The body columns lists leave out (kilobytes of JSON per page that only a detail view reads).
/// List rows carry JSON `null` in their place; `TechniquePage` loads the body by id when a client
/// selects it.
pub(crate) const DEFERRED: [Deferred; 2] = [
    (Column::BodySections, "'null'::jsonb"),
    (Column::SignalChains, "'null'::jsonb"),
];

/// The columns a lean list row leaves out besides the body: what a nested list that selects only
/// titles and ids (the browse shapes) need not read and decode. Creator and tag page lists read
/// lean rows when their selection has none of these fields (`TechniquePage::LEAN_FIELDS`);
/// `TechniquePage` loads them by id if one is asked for all the same.
pub(crate) const LEAN: [Deferred; 7] = [
    DEFERRED[0],
    DEFERRED[1],
    (Column::Summary, "''::text"),
    (Column::Plugins, "'{}'::text[]"),
    (Column::TopicCategory, "NULL::text"),
    (Column::TopicTags, "'{}'::text[]"),
    (Column::SourceQuality, "NULL::source_quality"),
];

/// Technique pages with the [`DEFERRED`] columns read as JSON `null`.
pub(crate) fn summaries() -> Select<technique_pages::Entity> {
    let mut select = technique_pages::Entity::find().select_only();
    for column in Column::iter() {
        select = match DEFERRED.iter().find(|(d, _)| d.as_str() == column.as_str()) {
            Some((_, placeholder)) => select.column_as(Expr::cust(*placeholder), column.as_str()),
            None => select.column(column),
        };
    }
    select
}
