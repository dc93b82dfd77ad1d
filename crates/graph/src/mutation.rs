//! The mutation root: one object per domain, merged.

use async_graphql::MergedObject;

use crate::roots::accounts::AccountsMutation;

/// Every mutation of Patchbay.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(AccountsMutation);
