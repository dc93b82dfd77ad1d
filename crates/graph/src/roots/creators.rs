//! Creator profile mutations: `createCreator`, `updateCreator`, `deleteCreator`. Resolvers only
//! decode ids, convert the inputs and call `services::creators`, which asks the gate first.

use async_graphql::{Context, ID, Object};
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    ids::{self, NodeKind},
    inputs::creators::{CreateCreatorInput, UpdateCreatorInput},
    services::{self, ids::CreatorId},
    types::{CreateCreatorPayload, Creator, DeleteCreatorPayload, UpdateCreatorPayload},
};

/// Creator profile mutations.
#[derive(Default)]
pub(crate) struct CreatorsMutation;

#[Object]
impl CreatorsMutation {
    /// Admins only: creates a creator. A taken name or slug is `CONFLICT` naming `name` or
    /// `slug`.
    async fn create_creator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new creator.")] input: CreateCreatorInput,
    ) -> async_graphql::Result<CreateCreatorPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let creator = services::creators::create(db, viewer, input.into()).await?;
        Ok(CreateCreatorPayload {
            creator: Creator(creator),
        })
    }

    /// The creator's own users and admins: changes its profile. The creator's users may change
    /// `bio`, `avatarUrl`, `socialLinks` and `shortsTemplate`; the other fields are for admins
    /// (`FORBIDDEN` naming the field otherwise, nothing written).
    async fn update_creator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The creator's ID.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateCreatorInput,
    ) -> async_graphql::Result<UpdateCreatorPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = CreatorId::from_uuid(ids::decode(&id, NodeKind::Creator, "id")?);
        let creator = services::creators::update(db, viewer, id, input.into()).await?;
        Ok(UpdateCreatorPayload {
            creator: Creator(creator),
        })
    }

    /// Admins only: deletes a creator. One that owns source videos, technique pages, posts or
    /// linked users is refused (`BAD_USER_INPUT` on `cascade`, saying what it owns) unless
    /// `cascade` is true; then its content goes with it and its users are unlinked.
    async fn delete_creator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The creator's ID.")] id: ID,
        #[graphql(
            desc = "Delete what the creator owns with it (its users are unlinked, not deleted); \
                    omitted or null means false."
        )]
        cascade: Option<bool>,
    ) -> async_graphql::Result<DeleteCreatorPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let key = ids::decode(&id, NodeKind::Creator, "id")?;
        let owned = services::creators::delete(
            db,
            viewer,
            CreatorId::from_uuid(key),
            cascade.unwrap_or(false),
        )
        .await?;
        Ok(DeleteCreatorPayload {
            deleted_id: ids::encode(NodeKind::Creator, key),
            removed_source_videos: owned.videos,
            removed_technique_pages: owned.pages,
            removed_posts: owned.posts,
            unlinked_users: owned.linked_users,
            removed_follows: owned.followers,
        })
    }
}
