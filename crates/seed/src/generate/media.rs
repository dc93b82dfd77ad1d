//! Highlights and generated shorts, per-video consent with its audit log, creator posts with
//! attachments, pipeline runs with events, and search logs.

use entity::sea_orm_active_enums::{
    ConsentField, FormatPreset, HighlightStatus, PipelineRunStatus, PipelineRunTrigger,
    ProcessingStatus, ShortStatus,
};
use entity::{
    consent_audit_logs, generated_shorts, highlight_candidates, pipeline_events, pipeline_runs,
    post_attachments, posts, search_logs, video_consents,
};
use rand::Rng;
use serde_json::json;
use uuid::Uuid;

use super::{Ctx, World};
use crate::SeedReport;
use crate::content::{self, pick};
use crate::ids::{self, DAY, Kind, after, at, id};
use crate::names::{ELEMENTS, PLUGINS, TECHNIQUES};
use crate::sink::insert_all;

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Highlight candidates for some key moments of complete videos, and shorts for some approved ones.
pub(super) async fn highlights(
    ctx: &Ctx<'_>,
    world: &World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 7);
    let mut candidates = Vec::new();
    let mut shorts = Vec::new();
    for moment in &world.moments {
        let video = &world.videos[moment.video];
        if video.status != ProcessingStatus::Complete || !rng.random_bool(ctx.sizes.highlight_rate)
        {
            continue;
        }
        let (breakdown, score) = content::score_breakdown(&mut rng);
        let roll = rng.random_range(0..20);
        let status = match (moment.approved, roll) {
            (true, 0..11) => HighlightStatus::Approved,
            (true, 11..18) | (false, 0..14) => HighlightStatus::Candidate,
            _ => HighlightStatus::Rejected,
        };
        let duration = round3(moment.end - moment.start);
        let (trim_start, trim_end) = if rng.random_bool(0.3) {
            let start = round3(moment.start + rng.random_range(0.0..duration.min(2.0) / 2.0));
            let end = round3(moment.end - rng.random_range(0.0..duration.min(2.0) / 2.0));
            (Some(start), Some(end.max(start)))
        } else {
            (None, None)
        };
        let created_at = after(video.created_at, DAY + rng.random_range(0..DAY));
        let highlight = highlight_candidates::Model {
            id: id(Kind::Highlight, candidates.len() as u64),
            key_moment_id: moment.id,
            source_video_id: video.id,
            score,
            score_breakdown: breakdown,
            duration_secs: duration,
            status,
            trim_start,
            trim_end,
            created_at,
            updated_at: after(created_at, rng.random_range(0..20) * DAY),
        };
        if status == HighlightStatus::Approved && rng.random_bool(0.6) {
            let clip = match (trim_start, trim_end) {
                (Some(s), Some(e)) => round3(e - s),
                _ => duration,
            };
            let presets = [
                (FormatPreset::Vertical, "vertical", true),
                (FormatPreset::Square, "square", rng.random_bool(0.5)),
                (FormatPreset::Horizontal, "horizontal", rng.random_bool(0.3)),
            ];
            for (preset, preset_name, wanted) in presets {
                if !wanted {
                    continue;
                }
                let n = shorts.len() as u64;
                let status = match rng.random_range(0..20) {
                    0..15 => ShortStatus::Complete,
                    15..17 => ShortStatus::Failed,
                    17..19 => ShortStatus::Processing,
                    _ => ShortStatus::Pending,
                };
                let complete = status == ShortStatus::Complete;
                let short_created = after(highlight.updated_at, rng.random_range(60..DAY));
                shorts.push(generated_shorts::Model {
                    id: id(Kind::Short, n),
                    highlight_candidate_id: highlight.id,
                    preset,
                    status,
                    object_key: format!("shorts/{}/{preset_name}.mp4", highlight.id),
                    file_size: complete.then(|| rng.random_range(1_500_000..30_000_000)),
                    duration_secs: complete.then_some(clip),
                    error_message: (status == ShortStatus::Failed).then(|| {
                        "ffmpeg exited with status 1: subtitle filter could not open font"
                            .to_owned()
                    }),
                    share_token: complete.then(|| ids::share_token(n)),
                    captions_enabled: complete && rng.random_bool(0.6),
                    created_at: short_created,
                    updated_at: after(short_created, rng.random_range(30..600)),
                });
            }
        }
        candidates.push(highlight);
    }
    report.highlights = insert_all(ctx.txn, candidates, ctx.progress).await?;
    report.generated_shorts = insert_all(ctx.txn, shorts, ctx.progress).await?;
    Ok(())
}

/// One consent row per video, and the audit trail that explains its current state.
pub(super) async fn consents(
    ctx: &Ctx<'_>,
    world: &World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 8);
    let admin = world.accounts.map(|a| a.admin);
    let mut rows = Vec::with_capacity(world.videos.len());
    let mut audit = Vec::new();
    for (n, video) in world.videos.iter().enumerate() {
        let revoked = video.status == ProcessingStatus::Revoked;
        let withheld = n % 50 == 13;
        let kb_inclusion = !revoked && !withheld;
        let public_display = n % 25 != 7;
        let training_usage = !revoked && rng.random_bool(0.4);
        let consent_id = id(Kind::Consent, n as u64);
        let created_at = video.created_at;
        let mut changes: Vec<(ConsentField, Option<bool>, bool)> = Vec::new();
        if !withheld {
            changes.push((ConsentField::KbInclusion, None, true));
        }
        if training_usage {
            changes.push((ConsentField::TrainingUsage, None, true));
        }
        if !public_display {
            changes.push((ConsentField::PublicDisplay, Some(true), false));
        }
        if revoked {
            changes.push((ConsentField::KbInclusion, Some(true), false));
        }
        let mut changed_at = created_at;
        for (version, (field, old, new)) in changes.into_iter().enumerate() {
            changed_at = after(changed_at, rng.random_range(60..20 * DAY));
            audit.push(consent_audit_logs::Model {
                id: id(Kind::ConsentAudit, audit.len() as u64),
                video_consent_id: consent_id,
                version: version as i32 + 1,
                field_name: field,
                old_value: old,
                new_value: new,
                changed_by: admin,
                ip_address: Some(format!("203.0.113.{}", rng.random_range(1..255))),
                created_at: changed_at,
            });
        }
        rows.push(video_consents::Model {
            id: consent_id,
            source_video_id: video.id,
            creator_id: world.creators[video.creator].id,
            kb_inclusion,
            training_usage,
            public_display,
            updated_by: admin,
            created_at,
            updated_at: changed_at,
        });
    }
    report.video_consents = insert_all(ctx.txn, rows, ctx.progress).await?;
    report.consent_audit_logs = insert_all(ctx.txn, audit, ctx.progress).await?;
    Ok(())
}

/// Creator posts (published and drafts) with Tiptap bodies, and their attachments.
pub(super) async fn posts(
    ctx: &Ctx<'_>,
    world: &World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 9);
    let per_creator = ids::spread(&mut rng, ctx.sizes.posts, world.creators.len(), 0);
    let mut page_of_creator: Vec<Option<&str>> = vec![None; world.creators.len()];
    for page in &world.pages {
        page_of_creator[page.creator].get_or_insert(page.slug.as_str());
    }
    let mut rows = Vec::with_capacity(ctx.sizes.posts);
    let mut attachments = Vec::new();
    for (creator_idx, &count) in per_creator.iter().enumerate() {
        let creator = &world.creators[creator_idx];
        for k in 0..count {
            let technique = pick(&mut rng, TECHNIQUES).title;
            let title = match rng.random_range(0..5) {
                0 => format!("New preset pack: {technique}"),
                1 => format!("Project file: {technique}"),
                2 => format!("Q&A: your {} questions", pick(&mut rng, ELEMENTS)),
                3 => "Studio update".to_owned(),
                _ => format!("Behind the track: {technique}"),
            };
            let post_id = id(Kind::Post, rows.len() as u64);
            let link = page_of_creator[creator_idx].filter(|_| rng.random_bool(0.5));
            let created_at = at(-rng.random_range(1..400) * DAY - rng.random_range(0..DAY));
            let slug = ids::slugify(technique);
            for a in 0..rng.random_range(0..=2) {
                let (filename, content_type, size) = match rng.random_range(0..4) {
                    0 => (
                        format!("{slug}-project.als"),
                        "application/octet-stream",
                        400_000,
                    ),
                    1 => (format!("{slug}-presets.zip"), "application/zip", 2_000_000),
                    2 => (format!("{slug}-stems.zip"), "application/zip", 40_000_000),
                    _ => ("signal-chain.png".to_owned(), "image/png", 300_000),
                };
                attachments.push(post_attachments::Model {
                    id: id(Kind::Attachment, attachments.len() as u64),
                    post_id,
                    object_key: format!("posts/{post_id}/{a}-{filename}"),
                    filename,
                    content_type: content_type.to_owned(),
                    file_size: size + rng.random_range(0..size / 2),
                    created_at,
                });
            }
            rows.push(posts::Model {
                id: post_id,
                body: content::tiptap_post(&mut rng, &title, link),
                title,
                is_published: k == 0 || rng.random_bool(0.6),
                creator_id: creator.id,
                created_at,
                updated_at: after(created_at, rng.random_range(0..10) * DAY),
            });
        }
    }
    report.posts = insert_all(ctx.txn, rows, ctx.progress).await?;
    report.post_attachments = insert_all(ctx.txn, attachments, ctx.progress).await?;
    Ok(())
}

/// Pipeline runs for every unfinished video (up to half the runs) and recent complete ones.
pub(super) async fn pipeline_runs(
    ctx: &Ctx<'_>,
    world: &World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 10);
    let wanted = ctx.sizes.pipeline_runs;
    let unfinished = (0..world.videos.len())
        .filter(|&v| world.videos[v].status != ProcessingStatus::Complete)
        .take(wanted / 2);
    let mut chosen: Vec<usize> = unfinished.collect();
    let complete = (0..world.videos.len())
        .filter(|&v| world.videos[v].status == ProcessingStatus::Complete)
        .take(wanted - chosen.len());
    chosen.extend(complete);

    let mut runs = Vec::with_capacity(chosen.len());
    let mut events = Vec::new();
    for v in chosen {
        let video = &world.videos[v];
        let run_id = id(Kind::PipelineRun, runs.len() as u64);
        let (status, trigger) = match video.status {
            ProcessingStatus::Queued => (PipelineRunStatus::Pending, PipelineRunTrigger::Auto),
            ProcessingStatus::InProgress => (PipelineRunStatus::Running, PipelineRunTrigger::Auto),
            ProcessingStatus::Errored => (PipelineRunStatus::Failed, PipelineRunTrigger::Auto),
            ProcessingStatus::Revoked => (PipelineRunStatus::Revoked, PipelineRunTrigger::Manual),
            ProcessingStatus::Complete => (
                PipelineRunStatus::Completed,
                *pick(
                    &mut rng,
                    &[
                        PipelineRunTrigger::Auto,
                        PipelineRunTrigger::Retrigger,
                        PipelineRunTrigger::CleanRetrigger,
                    ],
                ),
            ),
        };
        let created_at = after(video.created_at, 60);
        let started_at = (status != PipelineRunStatus::Pending).then(|| after(created_at, 30));
        let last_stage = if status == PipelineRunStatus::Pending {
            0
        } else {
            video.stage.unwrap_or(1)
        };
        let mut t = started_at.unwrap_or(created_at);
        let (mut prompt, mut completion) = (0_i64, 0_i64);
        for stage in 1..=last_stage {
            let last = stage == last_stage;
            let mut kinds = vec!["stage_start"];
            if (2..=5).contains(&stage) {
                kinds.push("llm_call");
            }
            match status {
                PipelineRunStatus::Failed if last => kinds.push("error"),
                PipelineRunStatus::Running if last => {}
                _ => kinds.push("stage_complete"),
            }
            for kind in kinds {
                let duration_ms = rng.random_range(200..90_000);
                t = after(t, duration_ms / 1000 + 1);
                let tokens = (kind == "llm_call").then(|| {
                    (
                        rng.random_range(2_000..30_000),
                        rng.random_range(300..4_000),
                    )
                });
                if let Some((p, c)) = tokens {
                    prompt += i64::from(p);
                    completion += i64::from(c);
                }
                let payload = match kind {
                    "llm_call" => {
                        json!({"model": "qwen2.5-72b-instruct", "duration_ms": duration_ms})
                    }
                    "error" => json!({"error": "LLM response was not valid JSON after 3 retries"}),
                    _ => json!({"duration_ms": duration_ms}),
                };
                events.push(pipeline_events::Model {
                    id: id(Kind::PipelineEvent, events.len() as u64),
                    pipeline_run_id: run_id,
                    stage,
                    event_type: kind.to_owned(),
                    prompt_tokens: tokens.map(|(p, _)| p),
                    completion_tokens: tokens.map(|(_, c)| c),
                    total_tokens: tokens.map(|(p, c)| p + c),
                    payload: Some(payload),
                    created_at: t,
                });
            }
        }
        let finished = matches!(
            status,
            PipelineRunStatus::Completed | PipelineRunStatus::Failed | PipelineRunStatus::Revoked
        );
        runs.push(pipeline_runs::Model {
            id: run_id,
            source_video_id: video.id,
            status,
            trigger,
            current_stage: (last_stage > 0).then_some(last_stage),
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: prompt + completion,
            error_message: (status == PipelineRunStatus::Failed).then(|| {
                format!(
                    "Stage {last_stage} failed: LLM response was not valid JSON after 3 retries"
                )
            }),
            started_at,
            finished_at: finished.then(|| after(t, 1)),
            created_at,
        });
    }
    report.pipeline_runs = insert_all(ctx.txn, runs, ctx.progress).await?;
    report.pipeline_events = insert_all(ctx.txn, events, ctx.progress).await?;
    Ok(())
}

/// Search queries over the last two months, some with no results (for popular-searches).
pub(super) async fn search_logs(
    ctx: &Ctx<'_>,
    world: &World,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let mut rng = ids::rng(ctx.scale, 11);
    let fan: Option<Uuid> = world.accounts.map(|a| a.fan);
    let rows: Vec<search_logs::Model> = (0..ctx.sizes.search_logs)
        .map(|n| {
            // Skew towards the first techniques so some queries are clearly popular.
            let popular = (rng.random::<f64>().powi(2) * TECHNIQUES.len() as f64) as usize;
            let query = match rng.random_range(0..4) {
                0 => pick(&mut rng, PLUGINS).to_lowercase(),
                1 => format!(
                    "{} {}",
                    pick(&mut rng, ELEMENTS),
                    pick(&mut rng, &["eq", "bass", "mix"])
                ),
                _ => TECHNIQUES[popular.min(TECHNIQUES.len() - 1)]
                    .title
                    .to_lowercase(),
            };
            search_logs::Model {
                id: id(Kind::SearchLog, n as u64),
                query,
                result_count: if rng.random_bool(0.1) {
                    0
                } else {
                    rng.random_range(1..60)
                },
                user_id: fan.filter(|_| rng.random_bool(0.3)),
                created_at: at(-rng.random_range(0..60 * DAY)),
            }
        })
        .collect();
    report.search_logs = insert_all(ctx.txn, rows, ctx.progress).await?;
    Ok(())
}
