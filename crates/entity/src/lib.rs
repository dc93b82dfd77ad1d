//! # Layout
//! sea-orm entities for every table of Patchbay's PostgreSQL schema.
//!
//! - `generated/`: written by `sea-orm-cli generate entity` from a freshly migrated database
//!   (`just entities`); never edited by hand. One module per table, `sea_orm_active_enums` for the
//!   PostgreSQL enum types, `prelude` with the entity aliases.
//!
//! The test `entities_match_migrated_schema` fails when these files and the migrations disagree.

mod generated;

pub use generated::*;
