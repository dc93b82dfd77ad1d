//! Global object identification: `node(id:)` and `nodes(ids:)`.

use async_graphql::{Context, ID, Object};

use crate::{
    ids,
    types::{Node, node::load_node},
};

/// Entry points for refetching any object by its global ID.
#[derive(Default)]
pub(crate) struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global ID, or null when it does not exist or is not visible to the
    /// viewer. A malformed ID is a `BAD_USER_INPUT` error naming `id`.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID from any object's `id` field.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let (kind, key) = ids::decode_any(&id, "id")?;
        load_node(ctx, kind, key).await
    }

    /// The objects with these global IDs, in the same order; null for each one that does not
    /// exist or is not visible. At most 100 IDs.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs (at most 100).")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(crate::error::ServiceError::invalid("ids", "at most 100 IDs").into());
        }
        let keys = ids
            .iter()
            .map(|id| ids::decode_any(id, "ids"))
            .collect::<Result<Vec<_>, _>>()?;
        // Loads of the same kind are batched by the loaders into one statement each.
        let loads = keys
            .into_iter()
            .map(|(kind, key)| load_node(ctx, kind, key));
        futures_join_all(loads).await.into_iter().collect()
    }
}

/// Runs the futures concurrently so the DataLoaders see every key in one batch.
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    async_graphql::futures_util::future::join_all(futures).await
}
