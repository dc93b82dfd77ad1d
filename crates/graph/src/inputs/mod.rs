//! Input objects, parsed into validated domain values by the services. Unknown enum values and
//! fields are GraphQL validation errors, never silent no-ops.

pub(crate) mod accounts;
mod browse;
mod search;

pub(crate) use browse::*;
pub(crate) use search::*;
