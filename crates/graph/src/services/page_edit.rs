//! Curator edits of a technique page (`docs/decisions/0050-editorial.md`): `update_page` changes
//! any of its content fields under optimistic concurrency and records the result as the page's
//! next version.

use entity::{sea_orm_active_enums::SourceQuality, technique_pages};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    FromQueryResult, IntoActiveModel, Set, Statement,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::services::{
    creator_profile,
    error::{ServiceError, ServiceResult},
    history::{self, PageSnapshot},
    permissions::{Permission, Viewer, authorize},
    text::{self, limit},
    tx,
};

/// The deepest a body section may nest (a top-level section is depth 1).
pub(crate) const MAX_SECTION_DEPTH: usize = 4;
/// The most sections a body may hold, all levels together.
pub(crate) const MAX_SECTIONS: usize = 200;
/// The longest a section heading may be, in characters.
pub(crate) const MAX_HEADING_CHARS: usize = 300;
/// The longest a section's content may be, in characters.
pub(crate) const MAX_CONTENT_CHARS: usize = 50_000;
/// The longest a title may be (`technique_pages.title varchar(500)`).
pub(crate) const MAX_TITLE_CHARS: usize = 500;
/// The longest a slug may be (`technique_pages.slug varchar(255)`).
pub(crate) const MAX_SLUG_CHARS: usize = 255;
/// The longest a summary may be, in characters.
pub(crate) const MAX_SUMMARY_CHARS: usize = 10_000;
/// The longest a plugin name, topic tag or topic category may be, in characters.
pub(crate) const MAX_LABEL_CHARS: usize = 255;
/// The most plugins, topic tags, signal chains or chain steps one list may hold.
pub(crate) const MAX_LIST_ITEMS: usize = 100;

/// A section of a body as a curator writes it (the v2 tree).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Section {
    /// Its heading (non-empty).
    pub heading: String,
    /// Its text.
    pub content: String,
    /// Its sub-sections.
    pub children: Vec<Section>,
}

/// A named signal chain as a curator writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chain {
    /// Its name.
    pub name: String,
    /// Its steps in signal order.
    pub steps: Vec<String>,
}

/// The fields an edit changes; `None` leaves a field as it is. `topic_category` and
/// `source_quality` are `Some(None)` to clear them; `signal_chains` `Some(None)` to remove them.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageEdit {
    /// A new title (the slug stays).
    pub title: Option<String>,
    /// A new slug (the old one keeps resolving).
    pub slug: Option<String>,
    /// A new summary.
    pub summary: Option<String>,
    /// A new body, stored as v2.
    pub body_sections: Option<Vec<Section>>,
    /// New signal chains.
    pub signal_chains: Option<Option<Vec<Chain>>>,
    /// New plugins.
    pub plugins: Option<Vec<String>>,
    /// A new topic category.
    pub topic_category: Option<Option<String>>,
    /// New topic tags.
    pub topic_tags: Option<Vec<String>>,
    /// A new source quality.
    pub source_quality: Option<Option<SourceQuality>>,
}

/// The items of a list field, trimmed and checked ([`text::labels`] with this module's limits).
fn labels(argument: &str, values: &[String]) -> ServiceResult<Vec<String>> {
    text::labels(argument, values, MAX_LIST_ITEMS, MAX_LABEL_CHARS)
}

/// Checks the slug format the column's check constraint enforces.
fn check_slug(slug: &str) -> ServiceResult<()> {
    limit("input.slug", slug, MAX_SLUG_CHARS)?;
    if creator_profile::is_slug(slug) {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "input.slug",
            "lowercase letters and digits in words joined by single hyphens",
        ))
    }
}

fn check_sections(sections: &[Section], depth: usize, count: &mut usize) -> ServiceResult<()> {
    const ARG: &str = "input.bodySections";
    if depth > MAX_SECTION_DEPTH {
        return Err(ServiceError::invalid(
            ARG,
            format!("sections nest at most {MAX_SECTION_DEPTH} levels deep"),
        ));
    }
    for section in sections {
        *count += 1;
        if *count > MAX_SECTIONS {
            return Err(ServiceError::invalid(
                ARG,
                format!("at most {MAX_SECTIONS} sections"),
            ));
        }
        if section.heading.trim().is_empty() {
            return Err(ServiceError::invalid(
                ARG,
                "a section heading may not be empty",
            ));
        }
        limit(ARG, &section.heading, MAX_HEADING_CHARS)?;
        limit(ARG, &section.content, MAX_CONTENT_CHARS)?;
        check_sections(&section.children, depth + 1, count)?;
    }
    Ok(())
}

impl PageEdit {
    /// Checks every field against the limits above (and the columns'), trimming titles and
    /// labels; fails naming the input field.
    pub(crate) fn validate(mut self) -> ServiceResult<Self> {
        if let Some(title) = &self.title {
            let title = title.trim().to_owned();
            if title.is_empty() {
                return Err(ServiceError::invalid("input.title", "may not be empty"));
            }
            limit("input.title", &title, MAX_TITLE_CHARS)?;
            self.title = Some(title);
        }
        if let Some(slug) = &self.slug {
            check_slug(slug)?;
        }
        if let Some(summary) = &self.summary {
            limit("input.summary", summary, MAX_SUMMARY_CHARS)?;
        }
        if let Some(sections) = &self.body_sections {
            check_sections(sections, 1, &mut 0)?;
        }
        if let Some(Some(chains)) = &self.signal_chains {
            if chains.len() > MAX_LIST_ITEMS {
                return Err(ServiceError::invalid(
                    "input.signalChains",
                    format!("at most {MAX_LIST_ITEMS} chains"),
                ));
            }
            let chains = chains
                .iter()
                .map(|chain| {
                    let name = chain.name.trim().to_owned();
                    limit("input.signalChains", &name, MAX_LABEL_CHARS)?;
                    Ok(Chain {
                        name,
                        steps: labels("input.signalChains", &chain.steps)?,
                    })
                })
                .collect::<ServiceResult<Vec<_>>>()?;
            self.signal_chains = Some(Some(chains));
        }
        if let Some(plugins) = &self.plugins {
            self.plugins = Some(labels("input.plugins", plugins)?);
        }
        if let Some(tags) = &self.topic_tags {
            self.topic_tags = Some(labels("input.topicTags", tags)?);
        }
        if let Some(Some(category)) = &self.topic_category {
            let category = category.trim().to_owned();
            if category.is_empty() {
                self.topic_category = Some(None);
            } else {
                limit("input.topicCategory", &category, MAX_LABEL_CHARS)?;
                self.topic_category = Some(Some(category));
            }
        }
        Ok(self)
    }
}

/// The stored v2 JSON of a body tree.
pub(crate) fn sections_json(sections: &[Section]) -> Value {
    Value::Array(
        sections
            .iter()
            .map(|s| {
                json!({
                    "heading": s.heading,
                    "content": s.content,
                    "children": sections_json(&s.children),
                })
            })
            .collect(),
    )
}

fn chains_json(chains: &[Chain]) -> Value {
    Value::Array(
        chains
            .iter()
            .map(|c| json!({ "name": c.name, "steps": c.steps }))
            .collect(),
    )
}

/// A stored body of any format as the v2 JSON of its typed tree (nothing lost: the same parser
/// the API reads it with).
fn body_as_v2(format: &str, raw: &Value) -> Value {
    crate::types::body_v2_json(format, raw)
}

/// The full state of `page` as a version records it (the seed's keys, and `source_quality`).
pub(crate) fn snapshot(page: &technique_pages::Model) -> Value {
    json!({
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "body_sections": page.body_sections,
        "body_sections_format": page.body_sections_format,
        "signal_chains": page.signal_chains,
        "plugins": page.plugins,
        "topic_category": page.topic_category,
        "topic_tags": page.topic_tags,
        "source_quality": page.source_quality,
    })
}

/// Reads and locks the page (`FOR NO KEY UPDATE`), or `NotFound`.
async fn lock_page(txn: &DatabaseTransaction, id: Uuid) -> ServiceResult<technique_pages::Model> {
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT * FROM technique_pages WHERE id = $1 FOR NO KEY UPDATE",
            [id.into()],
        ))
        .await?
        .ok_or(ServiceError::NotFound("technique page"))?;
    Ok(technique_pages::Model::from_query_result(&row, "")?)
}

/// [`lock_page`], then the gate: the page's creator's curators and admins
/// (`Permission::Curate`). Returns the page and the curator's id. Every change of a page or of
/// its relations starts here, so concurrent changes of one page apply one after the other.
pub(crate) async fn lock_curated_page(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    id: Uuid,
) -> ServiceResult<(technique_pages::Model, Uuid)> {
    let page = lock_page(txn, id).await?;
    let me = authorize(viewer, Permission::Curate(page.creator_id))?.id;
    Ok((page, me))
}

#[derive(FromQueryResult)]
struct Taken {
    taken: bool,
}

/// Moves the page to `slug`: the current slug becomes an old slug of the page; `slug` must not be
/// another page's current or old slug (an own old slug is taken back).
async fn change_slug(
    txn: &DatabaseTransaction,
    page: &technique_pages::Model,
    slug: &str,
) -> ServiceResult<()> {
    let taken = Taken::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT EXISTS (SELECT 1 FROM technique_pages WHERE slug = $1 AND id <> $2) \
             OR EXISTS (SELECT 1 FROM technique_page_old_slugs WHERE slug = $1 AND technique_page_id <> $2) \
             AS taken",
        [slug.into(), page.id.into()],
    ))
    .one(txn)
    .await?
    .is_some_and(|t| t.taken);
    if taken {
        return Err(ServiceError::Conflict {
            field: "slug".to_owned(),
        });
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM technique_page_old_slugs WHERE slug = $1",
        [slug.into()],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO technique_page_old_slugs (slug, technique_page_id) VALUES ($1, $2) \
         ON CONFLICT (slug) DO NOTHING",
        [page.slug.clone().into(), page.id.into()],
    ))
    .await?;
    Ok(())
}

/// The page as `edit` leaves it (a v1 body becomes v2 whatever the edit).
fn apply(page: &technique_pages::Model, edit: &PageEdit) -> technique_pages::Model {
    let mut next = page.clone();
    if let Some(title) = &edit.title {
        next.title.clone_from(title);
    }
    if let Some(slug) = &edit.slug {
        next.slug.clone_from(slug);
    }
    if let Some(summary) = &edit.summary {
        next.summary.clone_from(summary);
    }
    match &edit.body_sections {
        Some(sections) => next.body_sections = sections_json(sections),
        None if next.body_sections_format != "v2" => {
            next.body_sections = body_as_v2(&page.body_sections_format, &page.body_sections);
        }
        None => {}
    }
    next.body_sections_format = "v2".to_owned();
    if let Some(chains) = &edit.signal_chains {
        next.signal_chains = chains.as_deref().map(chains_json);
    }
    if let Some(plugins) = &edit.plugins {
        next.plugins.clone_from(plugins);
    }
    if let Some(category) = &edit.topic_category {
        next.topic_category.clone_from(category);
    }
    if let Some(tags) = &edit.topic_tags {
        next.topic_tags.clone_from(tags);
    }
    if let Some(quality) = &edit.source_quality {
        next.source_quality.clone_from(quality);
    }
    next
}

/// Why a page changes, as its version's `pipeline_metadata` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A curator's edit.
    Edit,
    /// A curator restored this version number's content.
    Restore(i32),
}

impl Origin {
    fn metadata(self, editor: Uuid) -> Value {
        match self {
            Self::Edit => json!({ "source": "curator", "editedBy": editor }),
            Self::Restore(number) => {
                json!({ "source": "restore", "restoredFrom": number, "editedBy": editor })
            }
        }
    }
}

/// The page's creator's curators and admins: validates `edit` and applies it as
/// [`edit_page`] does.
pub(crate) async fn update_page(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    page_id: Uuid,
    expected_version: i32,
    edit: PageEdit,
) -> ServiceResult<technique_pages::Model> {
    let edit = edit.validate()?;
    edit_page(db, viewer, page_id, expected_version, edit, Origin::Edit).await
}

/// The page's creator's curators and admins: applies `edit` (already valid) if the page is still
/// at `expected_version` (else `StaleVersion`, nothing written), then records the new state as
/// the next version. A page never versioned (version 0) first gets a baseline version of its
/// unedited state. An edit that changes nothing writes nothing and returns the page.
pub(crate) async fn edit_page(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    page_id: Uuid,
    expected_version: i32,
    edit: PageEdit,
    origin: Origin,
) -> ServiceResult<technique_pages::Model> {
    tx::transaction(db, |txn| {
        let (viewer, edit) = (viewer.clone(), edit.clone());
        Box::pin(async move {
            let (page, me) = lock_curated_page(txn, &viewer, page_id).await?;
            if page.version != expected_version {
                return Err(ServiceError::StaleVersion {
                    field: "expectedVersion",
                    expected: expected_version,
                    current: page.version,
                });
            }
            let next = apply(&page, &edit);
            if snapshot(&next) == snapshot(&page) {
                return Ok(page);
            }
            if page.version == 0 {
                history::append_page_version(
                    txn,
                    PageSnapshot {
                        technique_page_id: page.id,
                        content_snapshot: snapshot(&page),
                        pipeline_metadata: Some(json!({ "source": "baseline" })),
                    },
                )
                .await?;
            }
            if next.slug != page.slug {
                change_slug(txn, &page, &next.slug).await?;
            }
            let mut active = page.clone().into_active_model();
            active.title = Set(next.title.clone());
            active.slug = Set(next.slug.clone());
            active.summary = Set(next.summary.clone());
            active.body_sections = Set(next.body_sections.clone());
            active.body_sections_format = Set(next.body_sections_format.clone());
            active.signal_chains = Set(next.signal_chains.clone());
            active.plugins = Set(next.plugins.clone());
            active.topic_category = Set(next.topic_category.clone());
            active.topic_tags = Set(next.topic_tags.clone());
            active.source_quality = Set(next.source_quality);
            active.update(txn).await?;
            history::append_page_version(
                txn,
                PageSnapshot {
                    technique_page_id: page.id,
                    content_snapshot: snapshot(&next),
                    pipeline_metadata: Some(origin.metadata(me)),
                },
            )
            .await?;
            technique_pages::Entity::find_by_id(page.id)
                .one(txn)
                .await?
                .ok_or(ServiceError::NotFound("technique page"))
        })
    })
    .await
}

/// What went with a deleted technique page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromQueryResult)]
pub(crate) struct PageHoldings {
    /// Its versions.
    pub versions: i64,
    /// Links from it and to it.
    pub links: i64,
    /// Its tag assignments (the tags stay, one page fewer each).
    pub tags: i64,
    /// Its source video assignments (the videos stay).
    pub sources: i64,
    /// Its old slugs (they stop resolving).
    pub old_slugs: i64,
}

/// Admins only: deletes a technique page with its versions, its links both ways, its tag and
/// source assignments and its old slugs (the foreign keys cascade; tags and videos stay, and a
/// tag's page count is counted, so it stays right). The page is locked `FOR UPDATE` first, so
/// nothing is attached to it between the count and the delete. Returns what went with it.
pub(crate) async fn delete_page(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    page_id: Uuid,
) -> ServiceResult<PageHoldings> {
    authorize(viewer, Permission::ManageCatalog)?;
    tx::transaction(db, |txn| {
        Box::pin(async move {
            txn.query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT 1 FROM technique_pages WHERE id = $1 FOR UPDATE",
                [page_id.into()],
            ))
            .await?
            .ok_or(ServiceError::NotFound("technique page"))?;
            let holdings = PageHoldings::find_by_statement(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT \
                   (SELECT count(*) FROM technique_page_versions WHERE technique_page_id = $1) AS versions, \
                   (SELECT count(*) FROM related_technique_links \
                      WHERE source_page_id = $1 OR target_page_id = $1) AS links, \
                   (SELECT count(*) FROM technique_page_tags WHERE technique_page_id = $1) AS tags, \
                   (SELECT count(*) FROM technique_page_videos WHERE technique_page_id = $1) AS sources, \
                   (SELECT count(*) FROM technique_page_old_slugs WHERE technique_page_id = $1) AS old_slugs",
                [page_id.into()],
            ))
            .one(txn)
            .await?
            .ok_or_else(|| ServiceError::invariant("counting a page's holdings returned no row"))?;
            let deleted = technique_pages::Entity::delete_by_id(page_id).exec(txn).await?;
            if deleted.rows_affected != 1 {
                return Err(ServiceError::invariant(format!(
                    "deleting locked technique page {page_id} affected {} rows",
                    deleted.rows_affected
                )));
            }
            Ok(holdings)
        })
    })
    .await
}
