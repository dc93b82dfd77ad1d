//! A video's consent and its revocation (`docs/decisions/0060-consent.md`): `set_consent`
//! changes any of the three flags and audits each change, `revoke` / `restore` take a video out
//! of (and back into) every public path, `at` reconstructs the flags as of a moment from the log,
//! and `changes` lists the log for admins.
//!
//! The consent row is locked for the whole change (created first when the video has none, with
//! the data model's defaults), so concurrent changes of one video apply one after the other, each
//! seeing the values the previous one left; the audit rows then number 1, 2, 3… without gaps
//! (`services::history`). A change that changes nothing writes nothing.

use chrono::NaiveDateTime;
use entity::{
    consent_audit_logs, pipeline_runs,
    sea_orm_active_enums::{ConsentField, PipelineRunStatus, ProcessingStatus},
    source_videos, video_consents,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend,
    EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
    Statement, Value,
    sea_query::{Expr, JoinType},
};
use uuid::Uuid;

use crate::services::{
    browse::Listing,
    error::{ServiceError, ServiceResult},
    history::{self, ConsentChange},
    ids::UserId,
    permissions::{Permission, Viewer, authorize, authorize_on},
    rate_limit::ClientIp,
    tx,
    visibility::{Alias, Rule, Scope},
};

/// The flags of a consent row created before anyone set them (the data model's defaults).
pub(crate) const DEFAULTS: Flags = Flags {
    kb_inclusion: false,
    training_usage: false,
    public_display: true,
};

/// The longest a revocation reason may be, in characters.
pub(crate) const MAX_REASON_CHARS: usize = 2_000;

/// The three consent flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flags {
    /// The video may feed the knowledge base and search.
    pub kb_inclusion: bool,
    /// The video may be used for training.
    pub training_usage: bool,
    /// The video may be shown in public.
    pub public_display: bool,
}

impl Flags {
    fn of(consent: &video_consents::Model) -> Self {
        Self {
            kb_inclusion: consent.kb_inclusion,
            training_usage: consent.training_usage,
            public_display: consent.public_display,
        }
    }

    fn get(self, field: ConsentField) -> bool {
        match field {
            ConsentField::KbInclusion => self.kb_inclusion,
            ConsentField::TrainingUsage => self.training_usage,
            ConsentField::PublicDisplay => self.public_display,
        }
    }

    fn set(&mut self, field: ConsentField, value: bool) {
        match field {
            ConsentField::KbInclusion => self.kb_inclusion = value,
            ConsentField::TrainingUsage => self.training_usage = value,
            ConsentField::PublicDisplay => self.public_display = value,
        }
    }
}

/// A change of consent: `None` leaves a flag as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FlagChange {
    /// A new `kb_inclusion`.
    pub kb_inclusion: Option<bool>,
    /// A new `training_usage`.
    pub training_usage: Option<bool>,
    /// A new `public_display`.
    pub public_display: Option<bool>,
}

impl FlagChange {
    fn given(self) -> [(ConsentField, Option<bool>); 3] {
        [
            (ConsentField::KbInclusion, self.kb_inclusion),
            (ConsentField::TrainingUsage, self.training_usage),
            (ConsentField::PublicDisplay, self.public_display),
        ]
    }
}

/// Reads and locks the video (`FOR NO KEY UPDATE`) with whether `viewer` may see it; `NotFound`
/// if there is none.
async fn lock_video(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    video_id: Uuid,
) -> ServiceResult<(source_videos::Model, bool)> {
    let mut values: Vec<Value> = vec![video_id.into()];
    let visible = Scope::of(viewer).sql(Rule::Video, Alias::new("v"), &mut |value| {
        values.push(value);
        format!("${}", values.len())
    });
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT v.*, {visible} AS visible FROM source_videos v WHERE v.id = $1 FOR NO KEY UPDATE"),
            values,
        ))
        .await?
        .ok_or(ServiceError::NotFound("source video"))?;
    let video = source_videos::Model::from_query_result(&row, "")?;
    let visible: bool = row.try_get("", "visible")?;
    Ok((video, visible))
}

/// [`lock_video`], then the gate: the video's curators, `NotFound` for a video the viewer may not
/// see. Returns the video and the curator's id.
async fn lock_curated_video(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    video_id: Uuid,
) -> ServiceResult<(source_videos::Model, Uuid)> {
    let (video, visible) = lock_video(txn, viewer, video_id).await?;
    let me = authorize_on(
        viewer,
        Permission::Curate(video.creator_id),
        visible,
        "source video",
    )?
    .id;
    Ok((video, me))
}

/// The video's consent row, locked `FOR UPDATE`, created with [`DEFAULTS`] first if it has none;
/// and whether it was created now.
async fn lock_consent(
    txn: &DatabaseTransaction,
    video: &source_videos::Model,
) -> ServiceResult<(video_consents::Model, bool)> {
    let created = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO video_consents (id, source_video_id, creator_id, kb_inclusion, \
             training_usage, public_display) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (source_video_id) DO NOTHING",
            [
                Uuid::new_v4().into(),
                video.id.into(),
                video.creator_id.into(),
                DEFAULTS.kb_inclusion.into(),
                DEFAULTS.training_usage.into(),
                DEFAULTS.public_display.into(),
            ],
        ))
        .await?
        .rows_affected()
        == 1;
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT * FROM video_consents WHERE source_video_id = $1 FOR UPDATE",
            [video.id.into()],
        ))
        .await?
        .ok_or_else(|| ServiceError::invariant("a consent row vanished under its lock"))?;
    Ok((video_consents::Model::from_query_result(&row, "")?, created))
}

/// The video's creator's users and admins: sets the flags `change` names. Each flag whose value
/// changes (or that is set for the first time, on the call that creates the consent) appends one
/// audit row with who, from where and the next version. Returns the video and its consent.
pub(crate) async fn set_consent(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    ip: Option<ClientIp>,
    video_id: Uuid,
    change: FlagChange,
) -> ServiceResult<(source_videos::Model, video_consents::Model)> {
    tx::transaction(db, |txn| {
        let viewer = viewer.clone();
        Box::pin(async move {
            let (video, me) = lock_curated_video(txn, &viewer, video_id).await?;
            let (consent, created) = lock_consent(txn, &video).await?;
            let before = Flags::of(&consent);
            let mut after = before;
            let mut audited = 0;
            for (field, value) in change.given() {
                let Some(value) = value else { continue };
                if value == before.get(field) && !created {
                    continue;
                }
                after.set(field, value);
                history::append_consent_audit(
                    txn,
                    ConsentChange {
                        video_consent_id: consent.id,
                        field,
                        old_value: (!created).then_some(before.get(field)),
                        new_value: value,
                        changed_by: Some(UserId::from_uuid(me)),
                        ip_address: ip.map(|ClientIp(ip)| ip.to_canonical().to_string()),
                    },
                )
                .await?;
                audited += 1;
            }
            if audited == 0 {
                return Ok((video, consent));
            }
            let mut active: video_consents::ActiveModel = consent.into();
            active.kb_inclusion = Set(after.kb_inclusion);
            active.training_usage = Set(after.training_usage);
            active.public_display = Set(after.public_display);
            active.updated_by = Set(Some(me));
            let consent = active.update(txn).await?;
            Ok((video, consent))
        })
    })
    .await
}

/// Checks a revocation's reason: trimmed, 1–2,000 characters.
fn reason(raw: &str) -> ServiceResult<String> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid("reason", "say why"));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(ServiceError::invalid(
            "reason",
            format!("must be at most {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(reason.to_owned())
}

/// The video's creator's users and admins: revokes the video (`processing_status = revoked`),
/// which hides it and everything hanging off it from everyone but its curators; its pending and
/// running pipeline runs are revoked with it; the revocation is logged with `reason`. Revoking a
/// revoked video changes nothing. Only an admin can undo it ([`restore`]).
pub(crate) async fn revoke(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    ip: Option<ClientIp>,
    video_id: Uuid,
    why: &str,
) -> ServiceResult<source_videos::Model> {
    let why = reason(why)?;
    tx::transaction(db, |txn| {
        let (viewer, why) = (viewer.clone(), why.clone());
        Box::pin(async move {
            let (video, me) = lock_curated_video(txn, &viewer, video_id).await?;
            if video.processing_status == ProcessingStatus::Revoked {
                return Ok(video);
            }
            log_revocation(txn, &video, true, &why, me, ip).await?;
            pipeline_runs::Entity::update_many()
                .col_expr(
                    pipeline_runs::Column::Status,
                    Expr::value(PipelineRunStatus::Revoked),
                )
                .filter(pipeline_runs::Column::SourceVideoId.eq(video.id))
                .filter(
                    pipeline_runs::Column::Status
                        .is_in([PipelineRunStatus::Pending, PipelineRunStatus::Running]),
                )
                .exec(txn)
                .await?;
            set_status(txn, video, ProcessingStatus::Revoked).await
        })
    })
    .await
}

/// Admins only: undoes the video's revocation, giving it back the processing status it had when
/// it was revoked; logged with `reason`. Restoring a video that is not revoked is `BAD_USER_INPUT`.
pub(crate) async fn restore(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    ip: Option<ClientIp>,
    video_id: Uuid,
    why: &str,
) -> ServiceResult<source_videos::Model> {
    let me = authorize(viewer, Permission::ManageCatalog)?.id;
    let why = reason(why)?;
    tx::transaction(db, |txn| {
        let (viewer, why) = (viewer.clone(), why.clone());
        Box::pin(async move {
            let (video, _) = lock_video(txn, &viewer, video_id).await?;
            if video.processing_status != ProcessingStatus::Revoked {
                return Err(ServiceError::invalid("videoId", "the video is not revoked"));
            }
            #[derive(FromQueryResult)]
            struct Previous {
                previous_status: ProcessingStatus,
            }
            let previous = Previous::find_by_statement(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT previous_status FROM video_revocations \
                 WHERE source_video_id = $1 AND revoked ORDER BY created_at DESC, id LIMIT 1",
                [video.id.into()],
            ))
            .one(txn)
            .await?
            // Revoked before revocations were logged (the pipeline, the seed): it was complete.
            .map_or(ProcessingStatus::Complete, |p| p.previous_status);
            log_revocation(txn, &video, false, &why, me, ip).await?;
            set_status(txn, video, previous).await
        })
    })
    .await
}

async fn log_revocation(
    txn: &DatabaseTransaction,
    video: &source_videos::Model,
    revoked: bool,
    why: &str,
    by: Uuid,
    ip: Option<ClientIp>,
) -> ServiceResult<()> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO video_revocations (source_video_id, revoked, reason, previous_status, \
         changed_by, ip_address) VALUES ($1, $2, $3, $4::processing_status, $5, $6)",
        [
            video.id.into(),
            revoked.into(),
            why.into(),
            video.processing_status.to_value().value.into_owned().into(),
            by.into(),
            ip.map(|ClientIp(ip)| ip.to_canonical().to_string()).into(),
        ],
    ))
    .await?;
    Ok(())
}

async fn set_status(
    txn: &DatabaseTransaction,
    video: source_videos::Model,
    status: ProcessingStatus,
) -> ServiceResult<source_videos::Model> {
    let mut active: source_videos::ActiveModel = video.into();
    active.processing_status = Set(status);
    Ok(active.update(txn).await?)
}

/// The flags of the video's consent as of `at`, reconstructed from its audit log: `None` when the
/// video had no consent row then. A flag never audited has the value it has now.
pub(crate) async fn at(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    video_id: Uuid,
    at: NaiveDateTime,
) -> ServiceResult<Option<Flags>> {
    let video = source_videos::Entity::find_by_id(video_id)
        .filter(Scope::of(viewer).expr(Rule::Video, Alias::new("source_videos")))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("source video"))?;
    authorize(viewer, Permission::Curate(video.creator_id))?;
    let Some(consent) = video_consents::Entity::find()
        .filter(video_consents::Column::SourceVideoId.eq(video.id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if consent.created_at > at {
        return Ok(None);
    }
    let log = consent_audit_logs::Entity::find()
        .filter(consent_audit_logs::Column::VideoConsentId.eq(consent.id))
        .order_by_asc(consent_audit_logs::Column::Version)
        .all(db)
        .await?;
    let mut flags = Flags::of(&consent);
    for field in [
        ConsentField::KbInclusion,
        ConsentField::TrainingUsage,
        ConsentField::PublicDisplay,
    ] {
        let entries: Vec<_> = log.iter().filter(|e| e.field_name == field).collect();
        let value = match entries.iter().rev().find(|e| e.created_at <= at) {
            Some(last) => last.new_value,
            // Changed only later: what the first later change found.
            None => entries.first().map_or(flags.get(field), |first| {
                first.old_value.unwrap_or(DEFAULTS.get(field))
            }),
        };
        flags.set(field, value);
    }
    Ok(Some(flags))
}

/// Which consent changes an admin lists.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChangeFilter {
    /// Changes of this creator's videos.
    pub creator: Option<Uuid>,
    /// Changes of this video.
    pub video: Option<Uuid>,
    /// Changes of this flag.
    pub field: Option<ConsentField>,
    /// Changes by this user.
    pub changed_by: Option<Uuid>,
    /// Changes at or after this time.
    pub from: Option<NaiveDateTime>,
    /// Changes before this time.
    pub to: Option<NaiveDateTime>,
}

/// Admins only: the consent changes `filter` selects, newest first.
pub(crate) fn changes(
    viewer: &Viewer,
    filter: &ChangeFilter,
) -> ServiceResult<Listing<consent_audit_logs::Entity>> {
    authorize(viewer, Permission::ReadConsentAudit)?;
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && from > to
    {
        return Err(ServiceError::invalid(
            "filter.to",
            "must not be before `from`",
        ));
    }
    let mut q = consent_audit_logs::Entity::find().join(
        JoinType::InnerJoin,
        consent_audit_logs::Relation::VideoConsents.def(),
    );
    if let Some(creator) = filter.creator {
        q = q.filter(video_consents::Column::CreatorId.eq(creator));
    }
    if let Some(video) = filter.video {
        q = q.filter(video_consents::Column::SourceVideoId.eq(video));
    }
    if let Some(field) = filter.field {
        q = q.filter(consent_audit_logs::Column::FieldName.eq(field));
    }
    if let Some(by) = filter.changed_by {
        q = q.filter(consent_audit_logs::Column::ChangedBy.eq(by));
    }
    if let Some(from) = filter.from {
        q = q.filter(consent_audit_logs::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(consent_audit_logs::Column::CreatedAt.lt(to));
    }
    Ok(Listing::new(
        q.order_by_desc(consent_audit_logs::Column::CreatedAt)
            .order_by_desc(consent_audit_logs::Column::Version)
            .order_by_asc(consent_audit_logs::Column::Id),
    ))
}
