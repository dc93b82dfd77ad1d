//! Counting technique page views (`docs/decisions/0050-editorial.md`): `record_view` counts at
//! most one view per viewer per page per [`VIEW_WINDOW_MINUTES`], in one statement.
//!
//! A viewer is its user id when signed in, else its client address as the rate limits see it
//! (`rate_limit::address`: IPv6 by /64). `technique_page_views` keeps the last counted view per
//! (page, viewer); the statement upserts it only when the last one is older than the window, and
//! increments `view_count` only when it did. Concurrent views of one viewer serialize on that row,
//! so exactly one of them counts. Each call also prunes a few rows that left the window (skipping
//! rows other calls hold), so the table stays the size of the last half hour's audience.

use entity::technique_pages;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::services::{
    error::{ServiceError, ServiceResult},
    permissions::Viewer,
    rate_limit::{self, ClientIp},
};

/// How long one viewer's view of a page counts once.
pub(crate) const VIEW_WINDOW_MINUTES: i32 = 30;

/// How many expired view rows one call removes at most.
const PRUNE_BATCH: i32 = 20;

/// Who a view is counted for.
pub(crate) fn viewer_key(viewer: &Viewer, ip: Option<ClientIp>) -> String {
    match viewer.user() {
        Some(user) => format!("user:{}", user.id),
        None => format!("ip:{}", rate_limit::address(ip)),
    }
}

#[derive(FromQueryResult)]
struct Counted {
    counted: bool,
}

/// Anyone: counts a view of the page for the viewer unless the viewer's last counted view of it
/// is less than [`VIEW_WINDOW_MINUTES`] old. Returns the page as it is afterwards and whether
/// this view counted; `NotFound` for an unknown page.
pub(crate) async fn record_view(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ip: Option<ClientIp>,
    page_id: Uuid,
) -> ServiceResult<(technique_pages::Model, bool)> {
    let sql = format!(
        "WITH now AS (SELECT now() AT TIME ZONE 'utc' AS at), \
         counted AS ( \
             INSERT INTO technique_page_views (technique_page_id, viewer_key, counted_at) \
             SELECT p.id, $2, now.at FROM technique_pages p, now WHERE p.id = $1 \
             ON CONFLICT (technique_page_id, viewer_key) DO UPDATE SET counted_at = EXCLUDED.counted_at \
                 WHERE technique_page_views.counted_at <= EXCLUDED.counted_at - make_interval(mins => $3) \
             RETURNING technique_page_id), \
         pruned AS ( \
             DELETE FROM technique_page_views WHERE (technique_page_id, viewer_key) IN ( \
                 SELECT technique_page_id, viewer_key FROM technique_page_views, now \
                 WHERE counted_at <= now.at - make_interval(mins => $3) \
                   AND NOT (technique_page_id = $1 AND viewer_key = $2) \
                 LIMIT {PRUNE_BATCH} FOR UPDATE SKIP LOCKED)), \
         bumped AS ( \
             UPDATE technique_pages SET view_count = view_count + 1 \
             WHERE id IN (SELECT technique_page_id FROM counted) RETURNING *) \
         SELECT bumped.*, TRUE AS counted FROM bumped \
         UNION ALL \
         SELECT p.*, FALSE AS counted FROM technique_pages p \
         WHERE p.id = $1 AND NOT EXISTS (SELECT 1 FROM bumped)"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [
                page_id.into(),
                viewer_key(viewer, ip).into(),
                VIEW_WINDOW_MINUTES.into(),
            ],
        ))
        .await?
        .ok_or(ServiceError::NotFound("technique page"))?;
    let page = technique_pages::Model::from_query_result(&row, "")?;
    let counted = Counted::from_query_result(&row, "")?.counted;
    Ok((page, counted))
}
