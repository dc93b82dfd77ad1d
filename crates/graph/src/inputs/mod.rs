//! Input objects, parsed into validated domain values by the services. Unknown enum values and
//! fields are GraphQL validation errors, never silent no-ops.

pub mod accounts;
mod browse;

pub use browse::*;
