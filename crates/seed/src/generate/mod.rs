//! The one generator behind both scales: `Sizes` says how much of everything to make, the stages
//! (`catalog`, `pages`, `media`) write rows in foreign-key order and leave in `World` what later
//! stages need to reference.

mod catalog;
mod media;
mod pages;

use std::ops::RangeInclusive;

use chrono::NaiveDateTime;
use entity::sea_orm_active_enums::ProcessingStatus;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::{Scale, SeedReport};

/// How much of everything one scale seeds. Totals are exact; per-parent counts vary around the mean.
#[derive(Clone, Debug)]
pub(crate) struct Sizes {
    pub(crate) creators: usize,
    /// Creators with `featured = true`.
    pub(crate) featured: usize,
    pub(crate) videos: usize,
    /// Transcript segments over all videos that got past the queue.
    pub(crate) segments: usize,
    /// Key moments over all videos whose pipeline reached moment extraction.
    pub(crate) key_moments: usize,
    pub(crate) pages: usize,
    pub(crate) tags: usize,
    pub(crate) tags_per_page: RangeInclusive<usize>,
    pub(crate) links_per_page: RangeInclusive<usize>,
    /// Share of pages with a version history (v1..vN snapshots).
    pub(crate) versioned_pages: f64,
    /// Share of key moments (of complete videos) that became highlight candidates.
    pub(crate) highlight_rate: f64,
    pub(crate) posts: usize,
    pub(crate) pipeline_runs: usize,
    pub(crate) search_logs: usize,
    /// Seed the admin, creator and fan accounts and the fan's follows (never an invite code).
    pub(crate) accounts: bool,
}

impl Sizes {
    pub(crate) fn for_scale(scale: Scale) -> Self {
        match scale {
            Scale::Demo => Self {
                creators: 6,
                featured: 3,
                videos: 18,
                segments: 720,
                key_moments: 108,
                pages: 30,
                tags: 25,
                tags_per_page: 2..=4,
                links_per_page: 1..=3,
                versioned_pages: 0.3,
                highlight_rate: 0.4,
                posts: 12,
                pipeline_runs: 8,
                search_logs: 40,
                accounts: true,
            },
            Scale::Bench => Self {
                creators: 200,
                featured: 12,
                videos: 2_000,
                segments: 400_000,
                key_moments: 40_000,
                pages: 20_000,
                tags: 500,
                tags_per_page: 5..=5,
                links_per_page: 2..=2,
                versioned_pages: 0.1,
                highlight_rate: 0.25,
                posts: 300,
                pipeline_runs: 200,
                search_logs: 2_000,
                accounts: false,
            },
        }
    }
}

#[derive(Debug)]
pub(crate) struct CreatorInfo {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) genres: Vec<String>,
    pub(crate) created_at: NaiveDateTime,
}

#[derive(Debug)]
pub(crate) struct VideoInfo {
    pub(crate) id: Uuid,
    pub(crate) creator: usize,
    pub(crate) status: ProcessingStatus,
    pub(crate) stage: Option<i32>,
    /// Index into `names::TECHNIQUES` of the video's main subject.
    pub(crate) technique: usize,
    /// End of the last transcript segment (0 when the video has no transcript).
    pub(crate) duration: f64,
    pub(crate) created_at: NaiveDateTime,
}

#[derive(Debug)]
pub(crate) struct MomentInfo {
    pub(crate) id: Uuid,
    pub(crate) video: usize,
    pub(crate) start: f64,
    pub(crate) end: f64,
    pub(crate) approved: bool,
}

#[derive(Debug)]
pub(crate) struct PageInfo {
    pub(crate) id: Uuid,
    pub(crate) creator: usize,
    pub(crate) title: String,
    pub(crate) slug: String,
    pub(crate) created_at: NaiveDateTime,
}

/// Seeded accounts (demo only).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Accounts {
    pub(crate) admin: Uuid,
    pub(crate) fan: Uuid,
}

/// What earlier stages produced, for later stages to reference.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub(crate) creators: Vec<CreatorInfo>,
    pub(crate) accounts: Option<Accounts>,
    pub(crate) videos: Vec<VideoInfo>,
    pub(crate) moments: Vec<MomentInfo>,
    pub(crate) pages: Vec<PageInfo>,
}

/// Shared arguments of every stage.
pub(crate) struct Ctx<'t> {
    pub(crate) txn: &'t DatabaseTransaction,
    pub(crate) scale: Scale,
    pub(crate) sizes: Sizes,
    pub(crate) progress: bool,
}

/// Writes every table for `scale` inside `txn`.
pub(crate) async fn run(
    txn: &DatabaseTransaction,
    scale: Scale,
    progress: bool,
) -> anyhow::Result<SeedReport> {
    let ctx = Ctx {
        txn,
        scale,
        sizes: Sizes::for_scale(scale),
        progress,
    };
    let mut world = World::default();
    let mut report = SeedReport::default();

    catalog::creators(&ctx, &mut world, &mut report).await?;
    catalog::accounts(&ctx, &mut world, &mut report).await?;
    catalog::videos(&ctx, &mut world, &mut report).await?;
    catalog::transcripts(&ctx, &mut world, &mut report).await?;
    catalog::key_moments(&ctx, &mut world, &mut report).await?;
    pages::pages(&ctx, &mut world, &mut report).await?;
    pages::related_links(&ctx, &world, &mut report).await?;
    media::highlights(&ctx, &world, &mut report).await?;
    media::consents(&ctx, &world, &mut report).await?;
    media::posts(&ctx, &world, &mut report).await?;
    media::pipeline_runs(&ctx, &world, &mut report).await?;
    media::search_logs(&ctx, &world, &mut report).await?;
    Ok(report)
}
