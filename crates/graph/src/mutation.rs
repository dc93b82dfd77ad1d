//! The mutation root: one object per domain, merged.

use async_graphql::MergedObject;

use crate::roots::accounts::AccountsMutation;
use crate::roots::consent::ConsentMutation;
use crate::roots::creators::CreatorsMutation;
use crate::roots::moments::MomentsMutation;
use crate::roots::pages::PagesMutation;
use crate::roots::reports::ReportsMutation;
use crate::roots::tags::TagsMutation;

/// Every mutation of Patchbay.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    AccountsMutation,
    ConsentMutation,
    CreatorsMutation,
    MomentsMutation,
    PagesMutation,
    ReportsMutation,
    TagsMutation,
);
