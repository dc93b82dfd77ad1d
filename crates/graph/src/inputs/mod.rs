//! Input objects, converted (`TryFrom`, global ids decoded) into the validated domain values the
//! services take. Unknown enum values and
//! fields are GraphQL validation errors, never silent no-ops.

pub(crate) mod accounts;
mod browse;
pub(crate) mod consent;
pub(crate) mod creators;
pub(crate) mod moments;
pub(crate) mod pages;
mod search;

pub(crate) use browse::*;
pub(crate) use search::*;
