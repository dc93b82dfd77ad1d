//! Business rules and the sea-orm queries behind root fields. Batched relation loads live in
//! `loaders/`; everything else that touches the database lives here.

pub mod creators;
pub mod tags;
pub mod technique_pages;
