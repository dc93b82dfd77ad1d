//! Tags, technique pages with their tags, source videos and version history, and related links.

use std::collections::{HashMap, HashSet};

use entity::sea_orm_active_enums::{ProcessingStatus, RelationshipType, SourceQuality};
use entity::{
    related_technique_links, tags, technique_page_tags, technique_page_versions,
    technique_page_videos, technique_pages,
};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Ctx, PageInfo, World};
use crate::SeedReport;
use crate::content::{self, pick};
use crate::ids::{self, DAY, Kind, after, at, id};
use crate::names::{self, PLUGINS, TECHNIQUES, Technique};
use crate::sink::{Sink, insert_all};

/// Inserts the tags and returns `(id, name)` in popularity order (earlier tags are used more).
async fn tags(ctx: &Ctx<'_>, report: &mut SeedReport) -> anyhow::Result<Vec<(Uuid, String)>> {
    let names = names::tag_names(ctx.sizes.tags);
    let rows: Vec<tags::Model> = names
        .iter()
        .enumerate()
        .map(|(i, name)| tags::Model {
            id: id(Kind::Tag, i as u64),
            name: name.clone(),
            created_at: at(-1_000 * DAY + i as i64 * 3_600),
        })
        .collect();
    report.tags = insert_all(ctx.txn, rows, ctx.progress).await?;
    Ok(names
        .into_iter()
        .enumerate()
        .map(|(i, name)| (id(Kind::Tag, i as u64), name))
        .collect())
}

/// Tag lookups: by name, and the tags of each topic category's techniques.
struct TagIndex<'a> {
    by_name: HashMap<&'a str, usize>,
    by_category: HashMap<&'static str, Vec<usize>>,
    total: usize,
}

impl<'a> TagIndex<'a> {
    fn new(tags: &'a [(Uuid, String)]) -> Self {
        let by_name: HashMap<&str, usize> = tags
            .iter()
            .enumerate()
            .map(|(i, (_, name))| (name.as_str(), i))
            .collect();
        let mut by_category: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for technique in TECHNIQUES {
            let entry = by_category.entry(technique.category).or_default();
            for tag in technique.tags {
                if let Some(&i) = by_name.get(tag)
                    && !entry.contains(&i)
                {
                    entry.push(i);
                }
            }
        }
        Self {
            by_name,
            by_category,
            total: tags.len(),
        }
    }

    /// `wanted` distinct tag indexes for a page about `technique`: its own tags when seeded, then
    /// tags of the same topic category, then popular-skewed picks.
    fn for_page(&self, rng: &mut StdRng, technique: &Technique, wanted: usize) -> Vec<usize> {
        let wanted = wanted.min(self.total);
        let mut chosen: Vec<usize> = Vec::with_capacity(wanted);
        for tag in technique.tags {
            if let Some(&i) = self.by_name.get(tag)
                && chosen.len() < wanted.saturating_sub(1)
                && rng.random_bool(0.8)
            {
                chosen.push(i);
            }
        }
        let related = self
            .by_category
            .get(technique.category)
            .map_or(&[][..], Vec::as_slice);
        let mut attempts = 0;
        while chosen.len() < wanted {
            attempts += 1;
            let i = if !related.is_empty() && attempts < 8 && rng.random_bool(0.6) {
                related[rng.random_range(0..related.len())]
            } else {
                let u: f64 = rng.random();
                ((u.powf(2.5) * self.total as f64) as usize).min(self.total - 1)
            };
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen
    }
}

/// A page title about `technique`; `style` picks the shape (plain, tool, genre, qualifier).
fn page_title(rng: &mut StdRng, technique: &Technique, genre: &str, style: usize) -> String {
    let genre = names::genre_title(genre);
    match (style % 4, genre) {
        (0, _) => technique.title.to_owned(),
        (2, Some(genre)) => format!("{} for {genre}", technique.title),
        (1 | 2, _) => format!("{} in {}", technique.title, pick(rng, PLUGINS)),
        _ => {
            let qualifier = pick(
                rng,
                &[
                    "Advanced",
                    "Quick",
                    "Minimal",
                    "Aggressive",
                    "Clean",
                    "Classic",
                ],
            );
            format!("{qualifier} {}", technique.title)
        }
    }
}

fn snapshot(page: &technique_pages::Model, body: Value, format: &str, summary: &str) -> Value {
    json!({
        "title": page.title,
        "slug": page.slug,
        "summary": summary,
        "body_sections": body,
        "body_sections_format": format,
        "signal_chains": page.signal_chains,
        "plugins": page.plugins,
        "topic_category": page.topic_category,
        "topic_tags": page.topic_tags,
    })
}

/// v1..vN snapshots of `page`; older versions of v2 pages are sometimes still in format v1.
fn versions(
    rng: &mut StdRng,
    page: &technique_pages::Model,
    technique: &Technique,
    first: &mut u64,
) -> Vec<technique_page_versions::Model> {
    let count: i32 = rng.random_range(2..=4);
    let span = (page.updated_at - page.created_at).num_seconds().max(3_600);
    // Format v1 came first: a v1 page was always v1; a v2 page may have been migrated from v1
    // (versions up to `last_v1` are v1).
    let last_v1 = if page.body_sections_format == "v1" {
        count
    } else {
        rng.random_range(0..count)
    };
    (1..=count)
        .map(|number| {
            let content = if number == count {
                snapshot(
                    page,
                    page.body_sections.clone(),
                    &page.body_sections_format,
                    &page.summary,
                )
            } else {
                let (body, format) = if number <= last_v1 {
                    (content::body_v1(rng, technique), "v1")
                } else {
                    (content::body_v2(rng, technique), "v2")
                };
                let summary = format!("(draft {number}) {}", page.summary);
                snapshot(page, body, format, &summary)
            };
            let n = *first;
            *first += 1;
            technique_page_versions::Model {
                id: id(Kind::PageVersion, n),
                technique_page_id: page.id,
                version_number: number,
                content_snapshot: content,
                pipeline_metadata: Some(json!({
                    "model": pick(rng, &["qwen2.5-72b-instruct", "llama-3.1-70b", "gpt-4o-mini"]),
                    "temperature": 0.2,
                    "prompt_hashes": {
                        "stage3_extract": ids::hex(rng, 64),
                        "stage5_synthesize": ids::hex(rng, 64),
                    },
                    "pipeline_version": format!("1.{number}"),
                })),
                created_at: after(
                    page.created_at,
                    span * i64::from(number - 1) / i64::from(count),
                ),
            }
        })
        .collect()
}

/// Technique pages, each sourced from 1-3 complete videos of its creator, with tags and history.
pub(super) async fn pages(
    ctx: &Ctx<'_>,
    world: &mut World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let tag_list = tags(ctx, report).await?;
    let tag_index = TagIndex::new(&tag_list);

    let mut rng = ids::rng(ctx.scale, 5);
    let creator_count = world.creators.len();
    let mut complete_videos: Vec<Vec<usize>> = vec![Vec::new(); creator_count];
    for (v, video) in world.videos.iter().enumerate() {
        if video.status == ProcessingStatus::Complete {
            complete_videos[video.creator].push(v);
        }
    }
    let per_creator = ids::spread(&mut rng, ctx.sizes.pages, creator_count, 1);

    let mut page_sink =
        Sink::<technique_pages::ActiveModel>::new(ctx.txn, ctx.sizes.pages, ctx.progress);
    let mut page_tags = Vec::with_capacity(ctx.sizes.pages * ctx.sizes.tags_per_page.end());
    let mut page_videos = Vec::with_capacity(ctx.sizes.pages * 2);
    let mut history = Vec::new();
    let mut slugs = HashSet::with_capacity(ctx.sizes.pages);
    let mut version_n = 0_u64;
    for (creator_idx, &count) in per_creator.iter().enumerate() {
        let creator = &world.creators[creator_idx];
        let sources = &complete_videos[creator_idx];
        anyhow::ensure!(
            !sources.is_empty(),
            "creator {} has no complete video",
            creator.slug
        );
        // Each complete video yields a page on its subject; further pages cover the creator's
        // other techniques in a creator-specific order, with distinct titles per creator.
        let mut topics: Vec<usize> = (0..TECHNIQUES.len()).collect();
        topics.shuffle(&mut rng);
        let mut titles = HashSet::new();
        for k in 0..count {
            let n = world.pages.len();
            let (first_source, technique_idx) = if k < sources.len() {
                (sources[k], world.videos[sources[k]].technique)
            } else {
                let topic = topics[k % topics.len()];
                let matching: Vec<usize> = sources
                    .iter()
                    .copied()
                    .filter(|&v| world.videos[v].technique == topic)
                    .collect();
                let pool = if matching.is_empty() {
                    sources
                } else {
                    &matching
                };
                (pool[rng.random_range(0..pool.len())], topic)
            };
            let technique = &TECHNIQUES[technique_idx];
            let genre = creator.genres[rng.random_range(0..creator.genres.len())].as_str();
            let mut title = page_title(&mut rng, technique, genre, k / topics.len());
            for style in 1..12 {
                if titles.insert(title.clone()) {
                    break;
                }
                title = page_title(&mut rng, technique, genre, style);
            }
            let base_slug = format!("{}-{}", ids::slugify(&title), creator.slug);
            let mut slug = base_slug.clone();
            let mut suffix = 2;
            while !slugs.insert(slug.clone()) {
                slug = format!("{base_slug}-{suffix}");
                suffix += 1;
            }
            let v1 = n % 10 < 3;
            let (body, format) = if v1 {
                (content::body_v1(&mut rng, technique), "v1")
            } else {
                (content::body_v2(&mut rng, technique), "v2")
            };
            let (signal_chains, plugins) = content::signal_chains(&mut rng);
            let variant = names::category_variant(technique.category);
            let category = if !variant.is_empty() && n % 3 == 1 {
                variant
            } else {
                technique.category
            };
            let wanted = rng.random_range(ctx.sizes.tags_per_page.clone());
            let tag_idx = tag_index.for_page(&mut rng, technique, wanted);
            let source_quality = match rng.random_range(0..20) {
                0..9 => Some(SourceQuality::High),
                9..16 => Some(SourceQuality::Medium),
                16..19 => Some(SourceQuality::Low),
                _ => None,
            };
            let created_at = after(
                world.videos[first_source].created_at,
                rng.random_range(1..30) * DAY,
            );
            let mut page = technique_pages::Model {
                id: id(Kind::Page, n as u64),
                creator_id: creator.id,
                title: title.clone(),
                slug: slug.clone(),
                summary: content::page_summary(&mut rng, technique, genre),
                body_sections: body,
                body_sections_format: format.to_owned(),
                signal_chains,
                plugins,
                topic_category: Some(category.to_owned()),
                topic_tags: tag_idx.iter().map(|&i| tag_list[i].1.clone()).collect(),
                source_quality,
                view_count: ids::heavy_tail(&mut rng, 40.0, 250_000.0),
                version: 0,
                created_at,
                updated_at: after(created_at, rng.random_range(0..90) * DAY),
            };
            for &i in &tag_idx {
                page_tags.push(technique_page_tags::Model {
                    technique_page_id: page.id,
                    tag_id: tag_list[i].0,
                    created_at: page.created_at,
                });
            }
            let extra = rng.random_range(0..=2).min(sources.len() - 1);
            let mut used = vec![first_source];
            while used.len() < extra + 1 {
                let v = sources[rng.random_range(0..sources.len())];
                if !used.contains(&v) {
                    used.push(v);
                }
            }
            page_videos.extend(used.into_iter().map(|v| technique_page_videos::Model {
                technique_page_id: page.id,
                source_video_id: world.videos[v].id,
                created_at: page.created_at,
            }));
            if rng.random_bool(ctx.sizes.versioned_pages) {
                let page_history = versions(&mut rng, &page, technique, &mut version_n);
                // The page's version is its newest one's number (the database's trigger would
                // set the same; stating it saves an update per version row).
                page.version = page_history.last().map_or(0, |v| v.version_number);
                history.extend(page_history);
            }
            world.pages.push(PageInfo {
                id: page.id,
                creator: creator_idx,
                title,
                slug,
                created_at,
            });
            page_sink.push(page).await?;
        }
    }
    report.technique_pages = page_sink.finish().await?;
    report.page_tags = insert_all(ctx.txn, page_tags, ctx.progress).await?;
    report.page_videos = insert_all(ctx.txn, page_videos, ctx.progress).await?;
    report.page_versions = insert_all(ctx.txn, history, ctx.progress).await?;
    Ok(())
}

/// Directed links between pages: mostly within a creator's catalogue, some across creators.
pub(super) async fn related_links(
    ctx: &Ctx<'_>,
    world: &World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 6);
    let total = world.pages.len();
    if total < 2 {
        return Ok(());
    }
    let mut by_creator: Vec<Vec<usize>> = vec![Vec::new(); world.creators.len()];
    for (p, page) in world.pages.iter().enumerate() {
        by_creator[page.creator].push(p);
    }
    let mut pairs = HashSet::new();
    let mut rows = Vec::with_capacity(total * ctx.sizes.links_per_page.end());
    for (source, page) in world.pages.iter().enumerate() {
        let wanted = rng.random_range(ctx.sizes.links_per_page.clone());
        let siblings = &by_creator[page.creator];
        let mut attempts = 0;
        let mut made = 0;
        while made < wanted && attempts < wanted * 8 {
            attempts += 1;
            let target = if siblings.len() > 1 && rng.random_bool(0.6) {
                siblings[rng.random_range(0..siblings.len())]
            } else {
                rng.random_range(0..total)
            };
            if target == source || !pairs.insert((source, target)) {
                continue;
            }
            let target_page = &world.pages[target];
            let (relationship, label) = match rng.random_range(0..20) {
                0..12 => (
                    RelationshipType::Related,
                    format!("See also: {}", target_page.title),
                ),
                12..17 => (
                    RelationshipType::Prerequisite,
                    format!("Learn first: {}", target_page.title),
                ),
                _ => (
                    RelationshipType::BuildsOn,
                    format!("Builds on {}", target_page.title),
                ),
            };
            let label: String = label.chars().take(255).collect();
            rows.push(related_technique_links::Model {
                id: id(Kind::Link, rows.len() as u64),
                source_page_id: page.id,
                target_page_id: target_page.id,
                relationship,
                label: rng.random_bool(0.9).then_some(label),
                created_at: after(page.created_at.max(target_page.created_at), DAY),
            });
            made += 1;
        }
    }
    report.related_links = insert_all(ctx.txn, rows, ctx.progress).await?;
    Ok(())
}
