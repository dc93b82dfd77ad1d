//! Creators, demo accounts (users, follows), source videos, transcript segments and key moments.

use entity::sea_orm_active_enums::{ChapterStatus, ContentType, ProcessingStatus, UserRole};
use entity::{creator_follows, creators, key_moments, source_videos, transcript_segments, users};
use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::json;

use super::{Accounts, CreatorInfo, Ctx, MomentInfo, VideoInfo, World};
use crate::content::{self, pick, pick_distinct};
use crate::ids::{self, DAY, Kind, after, at, id};
use crate::names::{self, GENRES, TECHNIQUES};
use crate::sink::{Sink, insert_all};
use crate::{SeedReport, UNUSABLE_PASSWORD_HASH};

pub(super) async fn creators(
    ctx: &Ctx<'_>,
    world: &mut World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 1);
    let mut rows = Vec::with_capacity(ctx.sizes.creators);
    for (i, name) in names::creator_names(ctx.sizes.creators)
        .into_iter()
        .enumerate()
    {
        let slug = ids::slugify(&name);
        // The first creators cover the main genres in turn; the rest lean towards them too.
        let primary = if i < 8 || rng.random_bool(0.6) {
            GENRES[i % 8]
        } else {
            *pick(&mut rng, GENRES)
        };
        let mut genres = vec![primary.to_owned()];
        let extra = rng.random_range(0..=2);
        for genre in pick_distinct(&mut rng, GENRES, extra + 1) {
            if genres.len() <= extra && genre != primary {
                genres.push(genre.to_owned());
            }
        }
        let created_at = at(-rng.random_range(900..1_100) * DAY - rng.random_range(0..DAY));
        let model = creators::Model {
            id: id(Kind::Creator, i as u64),
            name: name.clone(),
            slug: slug.clone(),
            genres: genres.clone(),
            avatar_url: rng
                .random_bool(0.8)
                .then(|| format!("https://cdn.patchbay.test/avatars/{slug}.jpg")),
            bio: Some(content::bio(&mut rng, &name, &genres)),
            social_links: content::social_links(&mut rng, &slug),
            featured: i < ctx.sizes.featured,
            personality_profile: rng
                .random_bool(0.5)
                .then(|| content::personality_profile(&mut rng)),
            shorts_template: rng
                .random_bool(0.3)
                .then(|| content::shorts_template(&name)),
            created_at,
            updated_at: after(created_at, rng.random_range(0..300) * DAY),
        };
        rows.push(model);
        world.creators.push(CreatorInfo {
            id: rows[i].id,
            name,
            slug,
            genres,
            created_at,
        });
    }
    report.creators = insert_all(ctx.txn, rows, ctx.progress).await?;
    Ok(())
}

/// Demo accounts: an admin, a creator user linked to the first creator, and a fan following a few
/// creators. None of them can sign in (their password hash matches nothing), and no invite code is
/// seeded: a code in the seed would be in the repository for anyone to register with on an
/// instance started from the demo data (`patchbay invite` creates one when wanted).
pub(super) async fn accounts(
    ctx: &Ctx<'_>,
    world: &mut World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    if !ctx.sizes.accounts {
        return Ok(());
    }
    let Some(first_creator) = world.creators.first() else {
        return Ok(());
    };
    let user = |n: u64, email: &str, name: &str, role, creator_id, days_ago: i64| users::Model {
        id: id(Kind::User, n),
        email: email.to_owned(),
        hashed_password: UNUSABLE_PASSWORD_HASH.to_owned(),
        display_name: name.to_owned(),
        role,
        creator_id,
        is_active: true,
        notification_preferences: json!({"digest_enabled": true, "digest_frequency": "weekly"}),
        onboarding_completed: true,
        created_at: at(-days_ago * DAY),
        updated_at: at(-days_ago * DAY + 3_600),
        tokens_valid_after: None,
    };
    let admin = user(
        0,
        "admin@patchbay.test",
        "Patchbay Admin",
        UserRole::Admin,
        None,
        1_200,
    );
    let creator = user(
        1,
        "creator@patchbay.test",
        &first_creator.name,
        UserRole::Creator,
        Some(first_creator.id),
        800,
    );
    // The schema has no fan role: a fan is a `creator`-role account without a creator profile.
    let fan = user(
        2,
        "fan@patchbay.test",
        "Demo Fan",
        UserRole::Creator,
        None,
        120,
    );
    let accounts = Accounts {
        admin: admin.id,
        fan: fan.id,
    };
    report.users = insert_all(ctx.txn, vec![admin, creator, fan], ctx.progress).await?;

    let follows: Vec<creator_follows::Model> = world
        .creators
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, creator)| creator_follows::Model {
            id: id(Kind::Follow, i as u64),
            user_id: accounts.fan,
            creator_id: creator.id,
            created_at: at(-(100 - 20 * i as i64) * DAY),
        })
        .collect();
    report.creator_follows = insert_all(ctx.txn, follows, ctx.progress).await?;
    world.accounts = Some(accounts);
    Ok(())
}

/// Statuses other than `complete`, with their share of all videos (each at least one video).
const UNFINISHED: [(ProcessingStatus, f64); 4] = [
    (ProcessingStatus::Queued, 0.03),
    (ProcessingStatus::InProgress, 0.03),
    (ProcessingStatus::Errored, 0.02),
    (ProcessingStatus::Revoked, 0.02),
];

pub(super) async fn videos(
    ctx: &Ctx<'_>,
    world: &mut World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 2);
    let per_creator = ids::spread(&mut rng, ctx.sizes.videos, world.creators.len(), 1);
    // A creator's first video is always complete, so every creator can source technique pages.
    let mut later_slots = Vec::new();
    let mut owners = Vec::with_capacity(ctx.sizes.videos);
    for (creator, &count) in per_creator.iter().enumerate() {
        for k in 0..count {
            if k > 0 {
                later_slots.push(owners.len());
            }
            owners.push((creator, k));
        }
    }
    later_slots.shuffle(&mut rng);
    let mut statuses = vec![ProcessingStatus::Complete; owners.len()];
    let mut slots = later_slots.into_iter();
    for (status, share) in UNFINISHED {
        let count = ((ctx.sizes.videos as f64 * share).round() as usize).max(1);
        for slot in slots.by_ref().take(count) {
            statuses[slot] = status;
        }
    }

    let mut rows = Vec::with_capacity(owners.len());
    for (n, ((creator_idx, ordinal), status)) in owners.into_iter().zip(statuses).enumerate() {
        let creator = &world.creators[creator_idx];
        let technique = rng.random_range(0..TECHNIQUES.len());
        let stage = match status {
            ProcessingStatus::Complete => Some(6),
            ProcessingStatus::Queued => None,
            ProcessingStatus::InProgress => Some(rng.random_range(2..=5)),
            ProcessingStatus::Errored => Some(rng.random_range(1..=5)),
            ProcessingStatus::Revoked => Some(6),
        };
        // Videos arrive in order over the creator's life on the platform.
        let span = (ids::BASE - creator.created_at).num_seconds().max(DAY);
        let offset = span * (ordinal as i64 + 1) / (per_creator[creator_idx] as i64 + 2);
        let created_at = after(creator.created_at, offset + rng.random_range(0..DAY));
        let recent = matches!(
            status,
            ProcessingStatus::Queued | ProcessingStatus::InProgress
        );
        let created_at = if recent {
            at(-rng.random_range(DAY..10 * DAY))
        } else {
            created_at
        };
        rows.push(source_videos::Model {
            id: id(Kind::Video, n as u64),
            creator_id: creator.id,
            filename: content::video_filename(&mut rng, &TECHNIQUES[technique], ordinal),
            youtube_url: rng.random_bool(0.6).then(|| {
                format!(
                    "https://www.youtube.com/watch?v={}",
                    ids::youtube_id(n as u64)
                )
            }),
            folder_name: creator.name.clone(),
            processing_status: status,
            pipeline_stage: stage,
            created_at,
            updated_at: after(created_at, rng.random_range(600..5 * DAY)),
        });
        world.videos.push(VideoInfo {
            id: rows[n].id,
            creator: creator_idx,
            status,
            stage,
            technique,
            duration: 0.0,
            created_at,
        });
    }
    report.videos = insert_all(ctx.txn, rows, ctx.progress).await?;
    Ok(())
}

/// Rounds seconds to centiseconds, as transcription output does.
fn centis(secs: f64) -> f64 {
    (secs * 100.0).round() / 100.0
}

/// Consecutive segments for every video past the queue; records each video's duration.
pub(super) async fn transcripts(
    ctx: &Ctx<'_>,
    world: &mut World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 3);
    let eligible: Vec<usize> = (0..world.videos.len())
        .filter(|&v| world.videos[v].status != ProcessingStatus::Queued)
        .collect();
    let counts = ids::spread(&mut rng, ctx.sizes.segments, eligible.len(), 1);
    let mut sink =
        Sink::<transcript_segments::ActiveModel>::new(ctx.txn, ctx.sizes.segments, ctx.progress);
    let mut n = 0_u64;
    for (&v, &count) in eligible.iter().zip(&counts) {
        let video = &mut world.videos[v];
        let technique = &TECHNIQUES[video.technique];
        let mut t = centis(rng.random_range(0.0..2.0));
        for _ in 0..count {
            let end = centis(t + rng.random_range(2.5..9.5));
            sink.push(transcript_segments::Model {
                id: id(Kind::Segment, n),
                source_video_id: video.id,
                start_time: t,
                end_time: end,
                text: content::transcript_line(&mut rng, technique),
            })
            .await?;
            n += 1;
            t = end;
        }
        video.duration = t;
    }
    report.transcript_segments = sink.finish().await?;
    Ok(())
}

fn reached_moments(video: &VideoInfo) -> bool {
    match video.status {
        ProcessingStatus::Complete | ProcessingStatus::Revoked => true,
        ProcessingStatus::InProgress => video.stage.is_some_and(|s| s >= 3),
        ProcessingStatus::Queued | ProcessingStatus::Errored => false,
    }
}

pub(super) async fn key_moments(
    ctx: &Ctx<'_>,
    world: &mut World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 4);
    let eligible: Vec<usize> = (0..world.videos.len())
        .filter(|&v| reached_moments(&world.videos[v]))
        .collect();
    // Longer videos have more key moments.
    let durations: Vec<f64> = eligible.iter().map(|&v| world.videos[v].duration).collect();
    let counts = ids::apportion(ctx.sizes.key_moments, &durations, 1);
    let mut sink =
        Sink::<key_moments::ActiveModel>::new(ctx.txn, ctx.sizes.key_moments, ctx.progress);
    let mut n = 0_u64;
    for (&v, &count) in eligible.iter().zip(&counts) {
        let video = &world.videos[v];
        let slot = video.duration / count as f64;
        for order in 0..count {
            let technique_idx = if rng.random_bool(0.7) {
                video.technique
            } else {
                rng.random_range(0..TECHNIQUES.len())
            };
            let technique = &TECHNIQUES[technique_idx];
            let slot_start = slot * order as f64;
            let start = centis(slot_start + slot * rng.random_range(0.0..0.3));
            let end = centis(slot_start + slot * rng.random_range(0.6..1.0)).min(video.duration);
            let variant = names::category_variant(technique.category);
            let category = if !variant.is_empty() && rng.random_bool(0.3) {
                variant
            } else {
                technique.category
            };
            let review = *pick(
                &mut rng,
                &[
                    "approved", "approved", "approved", "approved", "pending", "pending",
                    "rejected",
                ],
            );
            let chapter_status = match review {
                "approved" if rng.random_bool(0.9) => ChapterStatus::Approved,
                "rejected" => ChapterStatus::Hidden,
                _ => ChapterStatus::Draft,
            };
            let content_type = *pick(
                &mut rng,
                &[
                    ContentType::Tutorial,
                    ContentType::Tutorial,
                    ContentType::Tip,
                    ContentType::Tip,
                    ContentType::Walkthrough,
                    ContentType::Exploration,
                ],
            );
            let tag_count = rng.random_range(1..=technique.tags.len());
            let created_at = after(video.created_at, DAY / 2 + rng.random_range(0..DAY));
            let model = key_moments::Model {
                id: id(Kind::KeyMoment, n),
                source_video_id: video.id,
                title: content::moment_title(&mut rng, technique),
                summary: content::moment_summary(&mut rng, technique),
                start_time: start,
                end_time: end.max(start),
                topic_category: Some(category.to_owned()),
                topic_tags: pick_distinct(&mut rng, technique.tags, tag_count)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                content_type,
                review_status: review.to_owned(),
                sort_order: order as i32,
                chapter_status,
                version: 1,
                created_at,
                updated_at: after(created_at, rng.random_range(0..30) * DAY),
            };
            world.moments.push(MomentInfo {
                id: model.id,
                video: v,
                start: model.start_time,
                end: model.end_time,
                approved: review == "approved",
            });
            sink.push(model).await?;
            n += 1;
        }
    }
    report.key_moments = sink.finish().await?;
    Ok(())
}
