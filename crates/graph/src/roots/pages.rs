//! Technique page mutations: `updateTechniquePage`. Resolvers only parse arguments, call
//! `services::page_edit` and wrap the page.

use async_graphql::{Context, ID, Object, SimpleObject};
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    ids::{self, NodeKind},
    inputs::pages::UpdateTechniquePageInput,
    services,
    types::TechniquePage,
};

/// The result of `updateTechniquePage`.
#[derive(SimpleObject)]
pub(crate) struct UpdateTechniquePagePayload {
    /// The page as the edit left it.
    technique_page: TechniquePage,
}

/// Technique page mutations.
#[derive(Default)]
pub(crate) struct PagesMutation;

#[Object]
impl PagesMutation {
    /// The page's creator's curators and admins: changes the page if it is still at
    /// `expectedVersion` (else `CONFLICT` with `extensions.currentVersion`, nothing written) and
    /// records the result as its next version.
    async fn update_technique_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID.")] id: ID,
        #[graphql(desc = "The `version` the client read; the edit applies only to it.")]
        expected_version: i32,
        #[graphql(desc = "The changes; omitted fields stay.")] input: UpdateTechniquePageInput,
    ) -> async_graphql::Result<UpdateTechniquePagePayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let page_id = ids::decode(&id, NodeKind::TechniquePage, "id")?;
        let page =
            services::page_edit::update_page(db, viewer, page_id, expected_version, input.into())
                .await?;
        Ok(UpdateTechniquePagePayload {
            technique_page: TechniquePage::from(page),
        })
    }
}
