//! A technique page's history (`docs/decisions/0050-editorial.md`): `diff` compares two of its
//! versions field by field (the body section by section), `restore_version` writes a new version
//! equal to an old one's content. History is never rewritten.
//!
//! Snapshots are compared by what the API shows: a body stored `v1` and the same sections stored
//! `v2` are equal, and signal chains compare as their typed lists.

use std::collections::HashMap;

use entity::{technique_page_versions, technique_pages};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::services::{
    error::{ServiceError, ServiceResult},
    page_edit::{self, Chain, Origin, PageEdit, Section},
    permissions::{Permission, Viewer, authorize},
    tx,
};

/// The content fields a diff compares: (API name, snapshot key).
const FIELDS: [(&str, &str); 9] = [
    ("title", "title"),
    ("slug", "slug"),
    ("summary", "summary"),
    ("bodySections", "body_sections"),
    ("signalChains", "signal_chains"),
    ("plugins", "plugins"),
    ("topicCategory", "topic_category"),
    ("topicTags", "topic_tags"),
    ("sourceQuality", "source_quality"),
];

/// One field that differs between two versions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldChange {
    /// The field's API name (`title`, `bodySections`, …).
    pub field: &'static str,
    /// Its value in the older version (`null` when absent), as the API shows it.
    pub old: Value,
    /// Its value in the newer version.
    pub new: Value,
}

/// What happened to a body section between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionChangeKind {
    /// Only the newer version has it.
    Added,
    /// Only the older version has it.
    Removed,
    /// Both have it, with different text.
    Changed,
}

/// One body section that differs. Sections are matched by their heading path (the headings from
/// the top down); a repeated heading among siblings is told apart by its occurrence (`Tips (2)`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SectionChange {
    /// The headings from the top-level section down to this one.
    pub path: Vec<String>,
    /// What changed.
    pub kind: SectionChangeKind,
    /// Its text in the older version.
    pub old_content: Option<String>,
    /// Its text in the newer version.
    pub new_content: Option<String>,
}

/// The differences between two versions of a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PageDiff {
    /// The older version's number (as asked).
    pub from: i32,
    /// The newer version's number (as asked).
    pub to: i32,
    /// The fields that differ, in the order of [`FIELDS`].
    pub fields: Vec<FieldChange>,
    /// The body sections that differ, in the newer version's order, removed ones after.
    pub sections: Vec<SectionChange>,
}

/// A snapshot's field as the API shows it: bodies as the v2 tree, signal chains as typed lists.
fn shown(snapshot: &Value, key: &str) -> Value {
    match key {
        "body_sections" => match snapshot.get("body_sections") {
            None | Some(Value::Null) => Value::Array(Vec::new()),
            Some(raw) => crate::types::body_v2_json(
                snapshot
                    .get("body_sections_format")
                    .and_then(Value::as_str)
                    .unwrap_or("v2"),
                raw,
            ),
        },
        "signal_chains" => crate::types::body::signal_chains(snapshot.get("signal_chains")).map_or(
            Value::Null,
            |chains| {
                chains
                    .iter()
                    .map(|c| json!({ "name": c.name, "steps": c.steps }))
                    .collect()
            },
        ),
        _ => snapshot.get(key).cloned().unwrap_or(Value::Null),
    }
}

/// The sections of a v2 tree as (path key, heading path, content), depth first.
fn flatten(tree: &Value) -> Vec<(String, Vec<String>, String)> {
    fn walk(items: &Value, parent: &[String], out: &mut Vec<(String, Vec<String>, String)>) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for item in items.as_array().into_iter().flatten() {
            let heading = item["heading"].as_str().unwrap_or_default().to_owned();
            let n = seen.entry(heading.clone()).or_default();
            *n += 1;
            let label = if *n == 1 {
                heading
            } else {
                format!("{heading} ({n})")
            };
            let mut path = parent.to_vec();
            path.push(label);
            let content = item["content"].as_str().unwrap_or_default().to_owned();
            out.push((path.join("\u{1f}"), path.clone(), content));
            walk(&item["children"], &path, out);
        }
    }
    let mut out = Vec::new();
    walk(tree, &[], &mut out);
    out
}

/// The section changes from body `old` to body `new` (both v2 JSON).
fn section_changes(old: &Value, new: &Value) -> Vec<SectionChange> {
    let old = flatten(old);
    let new = flatten(new);
    let old_by_key: HashMap<&str, &str> = old
        .iter()
        .map(|(k, _, c)| (k.as_str(), c.as_str()))
        .collect();
    let new_keys: HashMap<&str, ()> = new.iter().map(|(k, _, _)| (k.as_str(), ())).collect();
    let mut changes: Vec<SectionChange> = new
        .iter()
        .filter_map(|(key, path, content)| match old_by_key.get(key.as_str()) {
            None => Some(SectionChange {
                path: path.clone(),
                kind: SectionChangeKind::Added,
                old_content: None,
                new_content: Some(content.clone()),
            }),
            Some(before) if before != content => Some(SectionChange {
                path: path.clone(),
                kind: SectionChangeKind::Changed,
                old_content: Some((*before).to_owned()),
                new_content: Some(content.clone()),
            }),
            Some(_) => None,
        })
        .collect();
    changes.extend(
        old.iter()
            .filter(|(key, _, _)| !new_keys.contains_key(key.as_str()))
            .map(|(_, path, content)| SectionChange {
                path: path.clone(),
                kind: SectionChangeKind::Removed,
                old_content: Some(content.clone()),
                new_content: None,
            }),
    );
    changes
}

/// The differences from snapshot `old` to snapshot `new`. A field one of them does not record
/// (the pipeline's snapshots have no `source_quality`) is unknown there, not changed.
pub(crate) fn diff_snapshots(from: i32, old: &Value, to: i32, new: &Value) -> PageDiff {
    let fields: Vec<FieldChange> = FIELDS
        .iter()
        .filter(|(_, key)| old.get(key).is_some() && new.get(key).is_some())
        .filter_map(|&(field, key)| {
            let (old, new) = (shown(old, key), shown(new, key));
            (old != new).then_some(FieldChange { field, old, new })
        })
        .collect();
    let sections = fields
        .iter()
        .find(|f| f.field == "bodySections")
        .map(|f| section_changes(&f.old, &f.new))
        .unwrap_or_default();
    PageDiff {
        from,
        to,
        fields,
        sections,
    }
}

/// Version `number` of the page, or `NotFound` naming the argument's version.
async fn version_of(
    db: &impl ConnectionTrait,
    page_id: Uuid,
    number: i32,
) -> ServiceResult<technique_page_versions::Model> {
    technique_page_versions::Entity::find()
        .filter(technique_page_versions::Column::TechniquePageId.eq(page_id))
        .filter(technique_page_versions::Column::VersionNumber.eq(number))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("technique page version"))
}

/// The page's curators: the differences from version `from` to version `to` of `page`.
pub(crate) async fn diff(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    page: &technique_pages::Model,
    from: i32,
    to: i32,
) -> ServiceResult<PageDiff> {
    authorize(viewer, Permission::Curate(page.creator_id))?;
    let old = version_of(db, page.id, from).await?;
    let new = version_of(db, page.id, to).await?;
    Ok(diff_snapshots(
        from,
        &old.content_snapshot,
        to,
        &new.content_snapshot,
    ))
}

/// A v2 tree (as [`shown`] gives it) as sections.
fn sections_of(tree: &Value) -> Vec<Section> {
    tree.as_array()
        .into_iter()
        .flatten()
        .map(|item| Section {
            heading: item["heading"].as_str().unwrap_or_default().to_owned(),
            content: item["content"].as_str().unwrap_or_default().to_owned(),
            children: sections_of(&item["children"]),
        })
        .collect()
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array().map(|items| {
        items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

/// The edit that brings a page back to `snapshot`'s content. The slug is the page's address, not
/// its content, and stays; a field the snapshot does not record stays too.
fn restoring_edit(snapshot: &Value) -> PageEdit {
    let has = |key: &str| snapshot.get(key).is_some();
    PageEdit {
        title: snapshot["title"].as_str().map(str::to_owned),
        slug: None,
        summary: snapshot["summary"].as_str().map(str::to_owned),
        body_sections: has("body_sections").then(|| sections_of(&shown(snapshot, "body_sections"))),
        signal_chains: has("signal_chains").then(|| {
            crate::types::body::signal_chains(snapshot.get("signal_chains")).map(|chains| {
                chains
                    .into_iter()
                    .map(|c| Chain {
                        name: c.name,
                        steps: c.steps,
                    })
                    .collect()
            })
        }),
        plugins: strings(&snapshot["plugins"]),
        topic_category: has("topic_category")
            .then(|| snapshot["topic_category"].as_str().map(str::to_owned)),
        topic_tags: strings(&snapshot["topic_tags"]),
        source_quality: has("source_quality").then(|| {
            serde_json::from_value(snapshot["source_quality"].clone()).unwrap_or_default()
        }),
    }
}

/// The page's curators: writes a new version of the page equal to version `version_id`'s
/// content, if the page is still at `expected_version` (else `StaleVersion`). Restoring the
/// content the page already has writes nothing.
pub(crate) async fn restore_version(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    version_id: Uuid,
    expected_version: i32,
) -> ServiceResult<technique_pages::Model> {
    let version = technique_page_versions::Entity::find_by_id(version_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("technique page version"))?;
    page_edit::edit_page(
        db,
        viewer,
        version.technique_page_id,
        expected_version,
        restoring_edit(&version.content_snapshot),
        Origin::Restore(version.version_number),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v1_body_and_the_same_v2_body_do_not_differ() {
        let v1 = json!({ "title": "T", "body_sections_format": "v1",
                         "body_sections": { "Intro": "Hello" } });
        let v2 = json!({ "title": "T", "body_sections_format": "v2",
                         "body_sections": [{ "heading": "Intro", "content": "Hello", "children": [] }] });
        assert_eq!(diff_snapshots(1, &v1, 2, &v2).fields, []);
    }

    #[test]
    fn a_field_one_version_does_not_record_is_not_a_change() {
        let pipeline = json!({ "title": "T", "summary": "S" });
        let curator = json!({ "title": "T", "summary": "S2", "source_quality": "high" });
        let fields: Vec<_> = diff_snapshots(1, &pipeline, 2, &curator)
            .fields
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["summary"]);
    }

    #[test]
    fn sections_are_matched_by_heading_path_and_occurrence() {
        let old = json!([
            { "heading": "A", "content": "a", "children": [{ "heading": "Tip", "content": "x", "children": [] }] },
            { "heading": "Tip", "content": "1", "children": [] },
            { "heading": "Gone", "content": "g", "children": [] }
        ]);
        let new = json!([
            { "heading": "A", "content": "a", "children": [{ "heading": "Tip", "content": "y", "children": [] }] },
            { "heading": "Tip", "content": "1", "children": [] },
            { "heading": "Tip", "content": "2", "children": [] }
        ]);
        let changes = section_changes(&old, &new);
        let summary: Vec<_> = changes
            .iter()
            .map(|c| (c.path.join(" / "), c.kind))
            .collect();
        assert_eq!(
            summary,
            [
                ("A / Tip".to_owned(), SectionChangeKind::Changed),
                ("Tip (2)".to_owned(), SectionChangeKind::Added),
                ("Gone".to_owned(), SectionChangeKind::Removed),
            ]
        );
        assert_eq!(changes[0].old_content.as_deref(), Some("x"));
        assert_eq!(changes[0].new_content.as_deref(), Some("y"));
    }
}
