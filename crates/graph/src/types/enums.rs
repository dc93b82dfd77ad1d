//! GraphQL enums mirroring the database's enum types.

use async_graphql::Enum;
use entity::sea_orm_active_enums as db;

/// How trustworthy the sources behind a technique page are.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceQuality {
    /// Clear, complete demonstrations.
    High,
    /// Usable, with gaps.
    Medium,
    /// Fragmentary or unclear sources.
    Low,
}

impl From<db::SourceQuality> for SourceQuality {
    fn from(value: db::SourceQuality) -> Self {
        match value {
            db::SourceQuality::High => Self::High,
            db::SourceQuality::Medium => Self::Medium,
            db::SourceQuality::Low => Self::Low,
        }
    }
}
