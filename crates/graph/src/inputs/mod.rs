//! Input objects of the read graph: filters and orderings, parsed into validated domain values.
//! Unknown enum values and fields are GraphQL validation errors, never silent no-ops.

mod browse;

pub use browse::*;
