//! Technique pages: the list form that leaves the body out. A page by slug, with the relations
//! of its detail view, is `ReadLoaders::page_by_slug` (one statement, visibility per viewer).

use entity::technique_pages::{self, Column};
use sea_orm::{EntityTrait, IdenStatic, Iterable, QuerySelect, Select, sea_query::Expr};

/// The body columns lists leave out (kilobytes of JSON per page that only a detail view reads).
/// List rows carry JSON `null` in their place; `TechniquePage` loads the body by id when a client
/// selects it.
pub(crate) const DEFERRED: [Column; 2] = [Column::BodySections, Column::SignalChains];

/// Technique pages with the [`DEFERRED`] columns read as JSON `null`.
pub fn summaries() -> Select<technique_pages::Entity> {
    let mut select = technique_pages::Entity::find().select_only();
    for column in Column::iter() {
        select = if DEFERRED.iter().any(|d| d.as_str() == column.as_str()) {
            select.column_as(Expr::cust("'null'::jsonb"), column.as_str())
        } else {
            select.column(column)
        };
    }
    select
}
