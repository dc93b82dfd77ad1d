//! Input objects, parsed into validated domain values by the services. Unknown enum values and
//! fields are GraphQL validation errors, never silent no-ops.

pub mod accounts;
mod browse;
mod search;

pub use browse::*;
pub use search::*;
