//! Content reports: `reportContent` (anyone) and the admins' moderation (`acknowledgeReport`,
//! `resolveReport`, `dismissReport`, `reopenReport`), the filtered `contentReports` list and its
//! `contentReportCounts`. Resolvers only parse arguments, call `services::reports` and wrap the
//! report.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    error::ServiceError,
    ids::{self, NodeKind},
    query::listing_connection,
    services::{
        self,
        rate_limit::ClientIp,
        reports::{Fix, NewReport, ReportFilter, Step, TargetKind},
    },
    types::{ContentReport, ContentReportConnection, ReportStatus, ReportType},
};

/// A report to file.
#[derive(InputObject, Clone, Debug)]
pub(crate) struct ReportContentInput {
    /// The global ID of what is reported: a technique page, key moment, source video, creator,
    /// post or generated short the reporter can see.
    pub target_id: ID,
    /// What kind of problem it is.
    pub report_type: ReportType,
    /// What is wrong (1–2,000 characters).
    pub description: String,
}

/// A fix `resolveReport` applies to the reported content in the same transaction.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModerationAction {
    /// Hide the reported key moment's chapter.
    HideChapter,
    /// Reject the reported key moment.
    RejectKeyMoment,
    /// Unpublish the reported post.
    UnpublishPost,
    /// Revoke the reported short's share link.
    RevokeShareLink,
}

impl From<ModerationAction> for Fix {
    fn from(action: ModerationAction) -> Self {
        match action {
            ModerationAction::HideChapter => Self::HideChapter,
            ModerationAction::RejectKeyMoment => Self::RejectKeyMoment,
            ModerationAction::UnpublishPost => Self::UnpublishPost,
            ModerationAction::RevokeShareLink => Self::RevokeShareLink,
        }
    }
}

/// The kinds of content a report can be about.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReportTargetType {
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

impl From<ReportTargetType> for TargetKind {
    fn from(kind: ReportTargetType) -> Self {
        match kind {
            ReportTargetType::TechniquePage => Self::TechniquePage,
            ReportTargetType::KeyMoment => Self::KeyMoment,
            ReportTargetType::SourceVideo => Self::SourceVideo,
            ReportTargetType::Creator => Self::Creator,
            ReportTargetType::Post => Self::Post,
            ReportTargetType::GeneratedShort => Self::GeneratedShort,
        }
    }
}

/// Narrows the reports listed; all given conditions must hold.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub(crate) struct ContentReportFilter {
    /// Reports in this state.
    pub status: Option<ReportStatus>,
    /// Reports of this kind of problem.
    #[graphql(name = "type")]
    pub report_type: Option<ReportType>,
    /// Reports about this kind of content.
    pub target_type: Option<ReportTargetType>,
}

impl From<ContentReportFilter> for ReportFilter {
    fn from(filter: ContentReportFilter) -> Self {
        Self {
            status: filter.status.map(Into::into),
            report_type: filter.report_type.map(Into::into),
            target_type: filter.target_type.map(Into::into),
        }
    }
}

/// Orders of report lists.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum ContentReportOrder {
    /// Newest first.
    #[default]
    CreatedAtDesc,
    /// Oldest first (a moderation queue).
    CreatedAtAsc,
}

/// How many reports are in each state.
#[derive(SimpleObject)]
pub(crate) struct ContentReportCounts {
    /// Not looked at yet.
    open: i64,
    /// Seen by an admin.
    acknowledged: i64,
    /// Fixed.
    resolved: i64,
    /// Closed without change.
    dismissed: i64,
}

/// The result of `reportContent` and the moderation mutations.
#[derive(SimpleObject)]
pub(crate) struct ContentReportPayload {
    /// The report as it is now.
    report: ContentReport,
}

fn target(id: &ID) -> Result<(TargetKind, uuid::Uuid), ServiceError> {
    let (kind, key) = ids::decode_any(id, "input.targetId")?;
    let target = match kind {
        NodeKind::TechniquePage => TargetKind::TechniquePage,
        NodeKind::KeyMoment => TargetKind::KeyMoment,
        NodeKind::SourceVideo => TargetKind::SourceVideo,
        NodeKind::Creator => TargetKind::Creator,
        NodeKind::Post => TargetKind::Post,
        NodeKind::GeneratedShort => TargetKind::GeneratedShort,
        other => {
            return Err(ServiceError::invalid(
                "input.targetId",
                format!(
                    "a {other:?} cannot be reported: report a technique page, key moment, video, \
                     creator, post or short"
                ),
            ));
        }
    };
    Ok((target, key))
}

async fn moderate(
    ctx: &Context<'_>,
    id: &ID,
    step: Step,
) -> async_graphql::Result<ContentReportPayload> {
    let db = ctx.data::<DatabaseConnection>()?;
    let viewer = ctx.data::<Viewer>()?;
    let id = ids::decode(id, NodeKind::ContentReport, "id")?;
    let report = services::reports::moderate(db, viewer, id, step).await?;
    Ok(ContentReportPayload {
        report: ContentReport(report),
    })
}

/// Report mutations.
#[derive(Default)]
pub(crate) struct ReportsMutation;

#[Object]
impl ReportsMutation {
    /// Anyone, signed in or not: reports content the reporter can see (a hidden or missing
    /// target is `NOT_FOUND`). Rate limited per user, or per client address when signed out
    /// (`RATE_LIMITED`). Reporting a target again while one's report about it is open returns
    /// that report.
    async fn report_content(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] input: ReportContentInput,
    ) -> async_graphql::Result<ContentReportPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let ip = ctx.data_opt::<ClientIp>().copied();
        let (kind, target_id) = target(&input.target_id)?;
        let report = services::reports::file(
            db,
            viewer,
            ip,
            NewReport {
                kind,
                target_id,
                report_type: input.report_type.into(),
                description: input.description,
            },
        )
        .await?;
        Ok(ContentReportPayload {
            report: ContentReport(report),
        })
    }

    /// Admins only: open → acknowledged. Any other move is `BAD_USER_INPUT` with
    /// `extensions.detail = "INVALID_TRANSITION"`.
    async fn acknowledge_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's global ID.")] id: ID,
    ) -> async_graphql::Result<ContentReportPayload> {
        moderate(ctx, &id, Step::Acknowledge).await
    }

    /// Admins only: open or acknowledged → resolved, recording who and when; `action` applies a
    /// fix to the reported content in the same transaction (it must suit the content's kind).
    async fn resolve_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's global ID.")] id: ID,
        #[graphql(desc = "The admin's notes (at most 10,000 characters).")] notes: Option<String>,
        #[graphql(desc = "A fix to apply to the reported content.")] action: Option<
            ModerationAction,
        >,
    ) -> async_graphql::Result<ContentReportPayload> {
        let step = Step::Resolve {
            notes,
            fix: action.map(Into::into),
        };
        moderate(ctx, &id, step).await
    }

    /// Admins only: open or acknowledged → dismissed, recording who and when.
    async fn dismiss_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's global ID.")] id: ID,
        #[graphql(desc = "The admin's notes (at most 10,000 characters).")] notes: Option<String>,
    ) -> async_graphql::Result<ContentReportPayload> {
        moderate(ctx, &id, Step::Dismiss { notes }).await
    }

    /// Admins only: resolved or dismissed → open again.
    async fn reopen_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report's global ID.")] id: ID,
    ) -> async_graphql::Result<ContentReportPayload> {
        moderate(ctx, &id, Step::Reopen).await
    }
}

/// Report lists.
#[derive(Default)]
pub(crate) struct ReportsQuery;

crate::pagination::object_with_connections! {
impl ReportsQuery {
    fields {
        /// Admins only: how many reports are in each state, among those `filter` selects (its
        /// status ignored), for a moderation dashboard.
        async fn content_report_counts(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Narrows the reports counted.")] filter: Option<ContentReportFilter>,
        ) -> async_graphql::Result<ContentReportCounts> {
            let db = ctx.data::<DatabaseConnection>()?;
            let viewer = ctx.data::<Viewer>()?;
            let c = services::reports::counts(db, viewer, &filter.unwrap_or_default().into()).await?;
            Ok(ContentReportCounts {
                open: c.open,
                acknowledged: c.acknowledged,
                resolved: c.resolved,
                dismissed: c.dismissed,
            })
        }
    }
    connections {
        /// Content reports, newest first unless `orderBy` says otherwise, narrowed by `filter`.
        /// Admins only: signed out gets `UNAUTHENTICATED`, anyone else `FORBIDDEN`.
        #[expect(
            clippy::too_many_arguments,
            reason = "one parameter per GraphQL argument"
        )]
        async fn content_reports(
            &self,
            ctx: &Context<'_>,
            args: RawPageArgs,
            #[graphql(desc = "Narrows the reports listed.")] filter: Option<ContentReportFilter>,
            #[graphql(desc = "The order of the list (default: newest first).")] order_by: Option<
                ContentReportOrder,
            >,
        ) -> async_graphql::Result<ContentReportConnection> {
            let viewer = ctx.data::<Viewer>()?;
            let oldest_first = order_by.unwrap_or_default() == ContentReportOrder::CreatedAtAsc;
            let listing =
                services::reports::list(viewer, &filter.unwrap_or_default().into(), oldest_first)?;
            let args = args.validate()?;
            listing_connection(ctx, args, listing, ContentReport)
                .await
                .map(ContentReportConnection)
        }
    }
}
}
