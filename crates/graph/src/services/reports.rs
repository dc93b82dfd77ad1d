//! Content reports and their moderation (`docs/decisions/0061-reports.md`): `file` (anyone, rate
//! limited, one open report per reporter and target), the admins' workflow (`moderate`: open →
//! acknowledged → resolved | dismissed, reopened only by `Reopen`) with an optional fix applied in
//! the same transaction, and the lists (`list` for admins, `of_creator` for a creator's users).

use entity::{
    content_reports,
    sea_orm_active_enums::{ReportStatus, ReportType},
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Set, Statement, Value,
};
use uuid::Uuid;

use crate::services::{
    browse::Listing,
    error::{ServiceError, ServiceResult},
    permissions::{Permission, Viewer, authorize},
    rate_limit::{self, ClientIp, Limit},
    tx,
    visibility::{Alias, Rule, Scope},
};

/// The longest a report's description may be, in characters.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// The longest an admin's notes may be, in characters.
pub(crate) const MAX_NOTES_CHARS: usize = 10_000;
/// Reports one anonymous client address may file.
pub(crate) const ANONYMOUS_LIMIT: Limit = Limit {
    max: 10,
    window_secs: 3_600,
};
/// Reports one signed-in user may file.
pub(crate) const USER_LIMIT: Limit = Limit {
    max: 30,
    window_secs: 3_600,
};

/// What can be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TargetKind {
    /// A technique page.
    TechniquePage,
    /// A key moment.
    KeyMoment,
    /// A source video.
    SourceVideo,
    /// A creator.
    Creator,
    /// A post.
    Post,
    /// A generated short.
    GeneratedShort,
}

impl TargetKind {
    /// The stored `target_type`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::TechniquePage => "technique_page",
            Self::KeyMoment => "key_moment",
            Self::SourceVideo => "source_video",
            Self::Creator => "creator",
            Self::Post => "post",
            Self::GeneratedShort => "generated_short",
        }
    }

    /// The kind a stored `target_type` names.
    pub(crate) fn parse(stored: &str) -> Option<Self> {
        [
            Self::TechniquePage,
            Self::KeyMoment,
            Self::SourceVideo,
            Self::Creator,
            Self::Post,
            Self::GeneratedShort,
        ]
        .into_iter()
        .find(|k| k.as_str() == stored)
    }

    /// The statement finding the target's creator among what `scope` may see, `$1` its id.
    fn visible_creator(self, scope: &Scope, values: &mut Vec<Value>) -> String {
        let mut bind = |value: Value| {
            values.push(value);
            format!("${}", values.len())
        };
        let video =
            |bind: &mut dyn FnMut(Value) -> String| scope.sql(Rule::Video, Alias::new("v"), bind);
        match self {
            Self::TechniquePage => {
                "SELECT creator_id FROM technique_pages WHERE id = $1".to_owned()
            }
            Self::Creator => "SELECT id AS creator_id FROM creators WHERE id = $1".to_owned(),
            Self::SourceVideo => format!(
                "SELECT v.creator_id FROM source_videos v WHERE v.id = $1 AND {}",
                video(&mut bind)
            ),
            Self::KeyMoment => {
                let v = video(&mut bind);
                let k = scope.sql(Rule::Moment, Alias::new("k"), &mut bind);
                format!(
                    "SELECT v.creator_id FROM key_moments k JOIN source_videos v \
                     ON v.id = k.source_video_id WHERE k.id = $1 AND {v} AND {k}"
                )
            }
            Self::Post => format!(
                "SELECT p.creator_id FROM posts p WHERE p.id = $1 AND {}",
                scope.sql(Rule::Post, Alias::new("p"), &mut bind)
            ),
            Self::GeneratedShort => format!(
                "SELECT v.creator_id FROM generated_shorts g \
                 JOIN highlight_candidates h ON h.id = g.highlight_candidate_id \
                 JOIN source_videos v ON v.id = h.source_video_id WHERE g.id = $1 AND {}",
                scope.sql(Rule::Curated, Alias::new("v"), &mut bind)
            ),
        }
    }
}

/// A report to file.
#[derive(Debug, Clone)]
pub(crate) struct NewReport {
    /// What is reported.
    pub kind: TargetKind,
    /// Its id.
    pub target_id: Uuid,
    /// What kind of problem.
    pub report_type: ReportType,
    /// What the reporter says.
    pub description: String,
}

#[derive(FromQueryResult)]
struct CreatorOf {
    creator_id: Uuid,
}

/// Anyone, signed in or not: files a report about content the reporter can see (else
/// `NotFound`, so a report cannot probe for hidden rows). Rate limited per user, or per client
/// address when signed out. Filing again on a target the reporter's report about is still open
/// returns that report. The description is trimmed, 1–2,000 characters.
pub(crate) async fn file(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    ip: Option<ClientIp>,
    report: NewReport,
) -> ServiceResult<content_reports::Model> {
    let description = report.description.trim().to_owned();
    if description.is_empty() {
        return Err(ServiceError::invalid(
            "input.description",
            "say what is wrong",
        ));
    }
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ServiceError::invalid(
            "input.description",
            format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    let reporter = viewer.user().map(|u| u.id);
    let (key, limit) = match reporter {
        Some(id) => (format!("user:{id}"), USER_LIMIT),
        None => (format!("ip:{}", rate_limit::address(ip)), ANONYMOUS_LIMIT),
    };
    let scope = Scope::of(viewer);
    let mut values: Vec<Value> = vec![report.target_id.into()];
    let sql = report.kind.visible_creator(&scope, &mut values);
    let creator = CreatorOf::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .one(db)
    .await?
    .ok_or(ServiceError::NotFound("report target"))?
    .creator_id;
    rate_limit::hit(db, &format!("report:{key}"), limit).await?;
    tx::transaction(db, |txn| {
        let (report, description, key) = (report.clone(), description.clone(), key.clone());
        Box::pin(async move {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO content_reports (id, report_type, target_type, target_id, reporter_id, \
                 description, creator_id, reporter_key) \
                 VALUES ($1, $2::report_type, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (target_type, target_id, reporter_key) \
                 WHERE status IN ('open', 'acknowledged') AND reporter_key IS NOT NULL DO NOTHING",
                [
                    Uuid::new_v4().into(),
                    report.report_type.to_value().value.into_owned().into(),
                    report.kind.as_str().into(),
                    report.target_id.into(),
                    reporter.into(),
                    description.into(),
                    creator.into(),
                    key.clone().into(),
                ],
            ))
            .await?;
            content_reports::Entity::find()
                .filter(content_reports::Column::TargetType.eq(report.kind.as_str()))
                .filter(content_reports::Column::TargetId.eq(report.target_id))
                .filter(content_reports::Column::ReporterKey.eq(key))
                .filter(
                    content_reports::Column::Status
                        .is_in([ReportStatus::Open, ReportStatus::Acknowledged]),
                )
                .one(txn)
                .await?
                .ok_or_else(|| ServiceError::invariant("a filed report vanished"))
        })
    })
    .await
}

/// A fix a resolution applies to the reported content, in the same transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fix {
    /// Hide the reported key moment's chapter.
    HideChapter,
    /// Reject the reported key moment.
    RejectKeyMoment,
    /// Unpublish the reported post.
    UnpublishPost,
    /// Revoke the reported short's share link.
    RevokeShareLink,
}

impl Fix {
    fn applies_to(self) -> TargetKind {
        match self {
            Self::HideChapter | Self::RejectKeyMoment => TargetKind::KeyMoment,
            Self::UnpublishPost => TargetKind::Post,
            Self::RevokeShareLink => TargetKind::GeneratedShort,
        }
    }

    fn statement(self) -> &'static str {
        match self {
            Self::HideChapter => {
                "UPDATE key_moments SET chapter_status = 'hidden', version = version + 1 WHERE id = $1"
            }
            Self::RejectKeyMoment => {
                "UPDATE key_moments SET review_status = 'rejected', version = version + 1 WHERE id = $1"
            }
            Self::UnpublishPost => "UPDATE posts SET is_published = false WHERE id = $1",
            Self::RevokeShareLink => "UPDATE generated_shorts SET share_token = NULL WHERE id = $1",
        }
    }
}

/// A step of the moderation workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// open → acknowledged.
    Acknowledge,
    /// open | acknowledged → resolved, with notes and optionally a fix.
    Resolve {
        /// The admin's notes.
        notes: Option<String>,
        /// A fix to apply to the reported content.
        fix: Option<Fix>,
    },
    /// open | acknowledged → dismissed, with notes.
    Dismiss {
        /// The admin's notes.
        notes: Option<String>,
    },
    /// resolved | dismissed → open.
    Reopen,
}

impl Step {
    /// The state the step leads to from `from`, or `None` when it may not.
    fn to(&self, from: ReportStatus) -> Option<ReportStatus> {
        use ReportStatus::{Acknowledged, Dismissed, Open, Resolved};
        match (self, from) {
            (Self::Acknowledge, Open) => Some(Acknowledged),
            (Self::Resolve { .. }, Open | Acknowledged) => Some(Resolved),
            (Self::Dismiss { .. }, Open | Acknowledged) => Some(Dismissed),
            (Self::Reopen, Resolved | Dismissed) => Some(Open),
            _ => None,
        }
    }

    fn target(&self) -> ReportStatus {
        match self {
            Self::Acknowledge => ReportStatus::Acknowledged,
            Self::Resolve { .. } => ReportStatus::Resolved,
            Self::Dismiss { .. } => ReportStatus::Dismissed,
            Self::Reopen => ReportStatus::Open,
        }
    }
}

/// Admins only: moves the report one step of its workflow (any other move is
/// `InvalidTransition`, nothing changed). Closing it records who and when; a fix applies to the
/// reported content in the same transaction and must suit its kind (`BAD_USER_INPUT` on `action`).
pub(crate) async fn moderate(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    id: Uuid,
    step: Step,
) -> ServiceResult<content_reports::Model> {
    let me = authorize(viewer, Permission::ReadContentReports)?.id;
    if let Step::Resolve { notes: Some(n), .. } | Step::Dismiss { notes: Some(n) } = &step
        && n.chars().count() > MAX_NOTES_CHARS
    {
        return Err(ServiceError::invalid(
            "notes",
            format!("must be at most {MAX_NOTES_CHARS} characters"),
        ));
    }
    tx::transaction(db, |txn| {
        let step = step.clone();
        Box::pin(async move {
            let row = txn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT * FROM content_reports WHERE id = $1 FOR UPDATE",
                    [id.into()],
                ))
                .await?
                .ok_or(ServiceError::NotFound("content report"))?;
            let report = content_reports::Model::from_query_result(&row, "")?;
            let to = step
                .to(report.status)
                .ok_or(ServiceError::InvalidTransition {
                    kind: "report",
                    from: report.status.to_value().value.into_owned(),
                    to: step.target().to_value().value.into_owned(),
                })?;
            if let Step::Resolve { fix: Some(fix), .. } = step {
                let kind = TargetKind::parse(&report.target_type);
                if kind != Some(fix.applies_to()) {
                    return Err(ServiceError::invalid(
                        "action",
                        format!("does not apply to a reported {}", report.target_type),
                    ));
                }
                let changed = txn
                    .execute_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        fix.statement(),
                        [report.target_id.into()],
                    ))
                    .await?
                    .rows_affected();
                if changed == 0 {
                    return Err(ServiceError::NotFound("report target"));
                }
            }
            let mut active: content_reports::ActiveModel = report.into();
            active.status = Set(to);
            match &step {
                Step::Resolve { notes, .. } | Step::Dismiss { notes } => {
                    if let Some(notes) = notes {
                        let notes = notes.trim();
                        active.admin_notes = Set((!notes.is_empty()).then(|| notes.to_owned()));
                    }
                    active.resolved_by = Set(Some(me));
                    active.resolved_at = Set(Some(chrono::Utc::now().naive_utc()));
                }
                Step::Reopen => {
                    active.resolved_by = Set(None);
                    active.resolved_at = Set(None);
                }
                Step::Acknowledge => {}
            }
            Ok(active.update(txn).await?)
        })
    })
    .await
}

/// Which reports a list shows.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReportFilter {
    /// Reports in this state.
    pub status: Option<ReportStatus>,
    /// Reports of this kind of problem.
    pub report_type: Option<ReportType>,
    /// Reports about this kind of content.
    pub target_type: Option<TargetKind>,
}

fn filtered(filter: &ReportFilter) -> sea_orm::Select<content_reports::Entity> {
    let mut q = content_reports::Entity::find();
    if let Some(status) = filter.status {
        q = q.filter(content_reports::Column::Status.eq(status));
    }
    if let Some(kind) = filter.report_type {
        q = q.filter(content_reports::Column::ReportType.eq(kind));
    }
    if let Some(target) = filter.target_type {
        q = q.filter(content_reports::Column::TargetType.eq(target.as_str()));
    }
    q
}

/// Admins only: the reports `filter` selects, newest (or oldest, `oldest_first`) first.
pub(crate) fn list(
    viewer: &Viewer,
    filter: &ReportFilter,
    oldest_first: bool,
) -> ServiceResult<Listing<content_reports::Entity>> {
    authorize(viewer, Permission::ReadContentReports)?;
    let q = filtered(filter);
    let q = if oldest_first {
        q.order_by_asc(content_reports::Column::CreatedAt)
    } else {
        q.order_by_desc(content_reports::Column::CreatedAt)
    };
    Ok(Listing::new(q.order_by_asc(content_reports::Column::Id)))
}

/// How many reports are in each state (for a moderation dashboard).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StatusCounts {
    /// Not looked at yet.
    pub open: i64,
    /// Seen by an admin.
    pub acknowledged: i64,
    /// Fixed.
    pub resolved: i64,
    /// Closed without change.
    pub dismissed: i64,
}

#[derive(FromQueryResult)]
struct StatusCount {
    status: ReportStatus,
    n: i64,
}

/// Admins only: the reports per state among those `filter` selects (its status ignored).
pub(crate) async fn counts(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &ReportFilter,
) -> ServiceResult<StatusCounts> {
    authorize(viewer, Permission::ReadContentReports)?;
    let filter = ReportFilter {
        status: None,
        ..filter.clone()
    };
    let rows = filtered(&filter)
        .select_only()
        .column(content_reports::Column::Status)
        .column_as(content_reports::Column::Id.count(), "n")
        .group_by(content_reports::Column::Status)
        .into_model::<StatusCount>()
        .all(db)
        .await?;
    let mut counts = StatusCounts::default();
    for row in rows {
        match row.status {
            ReportStatus::Open => counts.open = row.n,
            ReportStatus::Acknowledged => counts.acknowledged = row.n,
            ReportStatus::Resolved => counts.resolved = row.n,
            ReportStatus::Dismissed => counts.dismissed = row.n,
        }
    }
    Ok(counts)
}

/// The creator's users and admins: the reports about the creator's content, newest first.
pub(crate) fn of_creator(
    viewer: &Viewer,
    creator_id: Uuid,
) -> ServiceResult<Listing<content_reports::Entity>> {
    authorize(viewer, Permission::Curate(creator_id))?;
    Ok(Listing::new(
        content_reports::Entity::find()
            .filter(content_reports::Column::CreatorId.eq(creator_id))
            .order_by_desc(content_reports::Column::CreatedAt)
            .order_by_asc(content_reports::Column::Id),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_allows_exactly_its_moves() {
        use ReportStatus::{Acknowledged, Dismissed, Open, Resolved};
        let resolve = Step::Resolve {
            notes: None,
            fix: None,
        };
        let dismiss = Step::Dismiss { notes: None };
        let allowed: Vec<(Step, ReportStatus, ReportStatus)> = vec![
            (Step::Acknowledge, Open, Acknowledged),
            (resolve.clone(), Open, Resolved),
            (resolve.clone(), Acknowledged, Resolved),
            (dismiss.clone(), Open, Dismissed),
            (dismiss.clone(), Acknowledged, Dismissed),
            (Step::Reopen, Resolved, Open),
            (Step::Reopen, Dismissed, Open),
        ];
        for step in [Step::Acknowledge, resolve, dismiss, Step::Reopen] {
            for from in [Open, Acknowledged, Resolved, Dismissed] {
                let expected = allowed
                    .iter()
                    .find(|(s, f, _)| *s == step && *f == from)
                    .map(|(_, _, to)| *to);
                assert_eq!(step.to(from), expected, "{step:?} from {from:?}");
            }
        }
    }
}
