//! A creator's `Post`s with their `PostAttachment`s (drafts: the creator's users and admins).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{post_attachments, posts};

use super::{Creator, read, utc};
use crate::{
    ids::{self, NodeKind},
    loaders::{list, one},
};

crate::connection_type!(
    PostConnection,
    PostEdge,
    Post,
    "A page of posts (Relay connection).",
    "A post in a page of results, with its cursor."
);

/// A creator's post to their followers.
pub(crate) struct Post(pub(crate) posts::Model);

/// A creator's post to their followers.
#[Object]
impl Post {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Post, self.0.id)
    }

    /// The post's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Rich text body as Tiptap JSON.
    async fn body(&self) -> &serde_json::Value {
        &self.0.body
    }

    /// Whether the post is published (drafts are visible to the creator's users and admins only).
    async fn is_published(&self) -> bool {
        self.0.is_published
    }

    /// When the post was created.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// When the post last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        utc(self.0.updated_at)
    }

    /// The post's author.
    async fn creator(&self, ctx: &Context<'_>) -> async_graphql::Result<Creator> {
        Creator::owner(ctx, self.0.creator_id).await
    }

    /// Files attached to the post, in upload order.
    async fn attachments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PostAttachment>> {
        Ok(list(read(ctx)?.post_attachments(), self.0.id)
            .await?
            .into_iter()
            .map(PostAttachment)
            .collect())
    }
}

/// A file attached to a post.
pub(crate) struct PostAttachment(pub(crate) post_attachments::Model);

/// A file attached to a post.
#[Object]
impl PostAttachment {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::PostAttachment, self.0.id)
    }

    /// Original upload filename.
    async fn filename(&self) -> &str {
        &self.0.filename
    }

    /// MIME type.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }

    /// Object-store key.
    async fn object_key(&self) -> &str {
        &self.0.object_key
    }

    /// Size in bytes.
    async fn file_size(&self) -> i32 {
        self.0.file_size
    }

    /// When the file was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// The post the file is attached to.
    async fn post(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Post>> {
        Ok(one(read(ctx)?.post_by_id(), self.0.post_id)
            .await?
            .map(Post))
    }
}
