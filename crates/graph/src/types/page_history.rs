//! A technique page's history as typed values: a version's snapshot
//! (`TechniquePageSnapshot`) and the differences between two versions (`TechniquePageDiff`),
//! computed by `services::page_versions`.

use async_graphql::{Enum, Object, SimpleObject};
use entity::sea_orm_active_enums as db;
use serde_json::Value;

use super::{BodySection, SignalChain, SourceQuality, body};
use crate::services::page_versions::{self, FieldChange, PageDiff, SectionChange};

/// A technique page's content as one version recorded it. A field the version did not record is
/// null.
pub(crate) struct TechniquePageSnapshot(pub(crate) Value);

impl TechniquePageSnapshot {
    fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }

    fn strings(&self, key: &str) -> Option<Vec<String>> {
        self.0.get(key).and_then(Value::as_array).map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
    }
}

/// A technique page's content as one version recorded it. A field the version did not record is
/// null.
#[Object]
impl TechniquePageSnapshot {
    /// The title.
    async fn title(&self) -> Option<&str> {
        self.text("title")
    }

    /// The slug the page had.
    async fn slug(&self) -> Option<&str> {
        self.text("slug")
    }

    /// The summary.
    async fn summary(&self) -> Option<&str> {
        self.text("summary")
    }

    /// The body as one typed tree, whichever format it was stored in.
    async fn body_sections(&self) -> Option<Vec<BodySection>> {
        let raw = self.0.get("body_sections")?;
        Some(body::body_sections(
            self.text("body_sections_format").unwrap_or("v2"),
            raw,
        ))
    }

    /// The format the body was stored in (`v1` or `v2`).
    async fn body_sections_format(&self) -> Option<&str> {
        self.text("body_sections_format")
    }

    /// The signal chains as typed lists of steps.
    async fn signal_chains(&self) -> Option<Vec<SignalChain>> {
        body::signal_chains(self.0.get("signal_chains"))
    }

    /// The plugins and instruments.
    async fn plugins(&self) -> Option<Vec<String>> {
        self.strings("plugins")
    }

    /// The topic category.
    async fn topic_category(&self) -> Option<&str> {
        self.text("topic_category")
    }

    /// The topic tags.
    async fn topic_tags(&self) -> Option<Vec<String>> {
        self.strings("topic_tags")
    }

    /// The source quality.
    async fn source_quality(&self) -> Option<SourceQuality> {
        serde_json::from_value::<db::SourceQuality>(self.0.get("source_quality")?.clone())
            .ok()
            .map(Into::into)
    }
}

/// What happened to a body section between two versions.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SectionChangeKind {
    /// Only the newer version has the section.
    Added,
    /// Only the older version has the section.
    Removed,
    /// Both have it, with different text.
    Changed,
}

impl From<page_versions::SectionChangeKind> for SectionChangeKind {
    fn from(kind: page_versions::SectionChangeKind) -> Self {
        match kind {
            page_versions::SectionChangeKind::Added => Self::Added,
            page_versions::SectionChangeKind::Removed => Self::Removed,
            page_versions::SectionChangeKind::Changed => Self::Changed,
        }
    }
}

/// A field that differs between two versions, with its values as the API shows them (bodies as
/// the v2 tree of `{heading, content, children}`, signal chains as `{name, steps}` lists).
#[derive(SimpleObject)]
pub(crate) struct TechniquePageFieldChange {
    /// The field's name as `TechniquePage` spells it: `title`, `slug`, `summary`,
    /// `bodySections`, `signalChains`, `plugins`, `topicCategory`, `topicTags`, `sourceQuality`.
    field: String,
    /// Its value in the older version (null when absent).
    old_value: Value,
    /// Its value in the newer version (null when absent).
    new_value: Value,
}

impl From<FieldChange> for TechniquePageFieldChange {
    fn from(change: FieldChange) -> Self {
        Self {
            field: change.field.to_owned(),
            old_value: change.old,
            new_value: change.new,
        }
    }
}

/// A body section that differs between two versions. Sections are matched by their heading path;
/// a heading repeated among siblings is told apart by its occurrence, e.g. `Tips (2)`.
#[derive(SimpleObject)]
pub(crate) struct TechniquePageSectionChange {
    /// The headings from the top-level section down to this one.
    path: Vec<String>,
    /// What happened to it.
    change: SectionChangeKind,
    /// Its text in the older version (null when added).
    old_content: Option<String>,
    /// Its text in the newer version (null when removed).
    new_content: Option<String>,
}

impl From<SectionChange> for TechniquePageSectionChange {
    fn from(change: SectionChange) -> Self {
        Self {
            path: change.path,
            change: change.kind.into(),
            old_content: change.old_content,
            new_content: change.new_content,
        }
    }
}

/// The differences between two versions of a technique page.
#[derive(SimpleObject)]
pub(crate) struct TechniquePageDiff {
    /// The version compared from.
    from: i32,
    /// The version compared to.
    to: i32,
    /// The fields that differ (empty when the versions' content is the same).
    fields: Vec<TechniquePageFieldChange>,
    /// The body sections that differ, in the `to` version's order, removed sections last.
    sections: Vec<TechniquePageSectionChange>,
}

impl From<PageDiff> for TechniquePageDiff {
    fn from(diff: PageDiff) -> Self {
        Self {
            from: diff.from,
            to: diff.to,
            fields: diff.fields.into_iter().map(Into::into).collect(),
            sections: diff.sections.into_iter().map(Into::into).collect(),
        }
    }
}
