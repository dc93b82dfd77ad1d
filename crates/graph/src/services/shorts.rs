//! Generated shorts: the public share link.

use entity::{generated_shorts, sea_orm_active_enums::ShortStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::services::{
    error::ServiceResult,
    permissions::Viewer,
    visibility::{Alias, Rule, Scope},
};

/// The complete short shared under `token`, if its video may be shown to the public (a link
/// reaches anyone; a withheld or revoked video takes its shorts' links with it). Incomplete shorts
/// look missing.
pub(crate) async fn by_share_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> ServiceResult<Option<generated_shorts::Model>> {
    let public = Scope::of(&Viewer::Anonymous);
    // The public text binds no viewer; were it to, `NULL` matches no creator (hidden, not shown).
    let shown = public.sql(Rule::Video, Alias::new("pb_sv"), &mut |_| "NULL".to_owned());
    Ok(generated_shorts::Entity::find()
        .filter(generated_shorts::Column::ShareToken.eq(token))
        .filter(generated_shorts::Column::Status.eq(ShortStatus::Complete))
        .filter(Expr::cust(format!(
            "EXISTS (SELECT 1 FROM highlight_candidates pb_h JOIN source_videos pb_sv \
             ON pb_sv.id = pb_h.source_video_id \
             WHERE pb_h.id = generated_shorts.highlight_candidate_id AND {shown})"
        )))
        .one(db)
        .await?)
}
