//! Root fields by domain: `Query` and `Mutation` parts that `query.rs` and `mutation.rs` merge.

pub(crate) mod accounts;
pub(crate) mod consent;
pub(crate) mod creators;
pub(crate) mod moments;
pub(crate) mod pages;
pub(crate) mod reports;
pub(crate) mod tags;
