//! What each request carries: who asks ([`Viewer`]) and fresh DataLoaders ([`Loaders`]).
//! Both are attached per request by [`crate::prepare_request`], so no loader cache is shared
//! between requests or users.

pub use crate::services::permissions::{Viewer, ViewerUser};

/// The request's loader registry: one DataLoader per relation of the graph.
pub(crate) use crate::loaders::Loaders;
