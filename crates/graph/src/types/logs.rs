//! Admin-only records: `ContentReport`, `SearchLog`, `EmailDigestLog`, `ChatUsageLog`.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{chat_usage_logs, content_reports, email_digest_logs, search_logs};

use super::{Node, ReportStatus, ReportType, User, node::load_node, read, utc};
use crate::{
    context::Viewer,
    ids::{self, NodeKind},
    loaders::one,
    services::permissions::{Permission, authorize},
};

crate::connection_type!(
    ContentReportConnection,
    ContentReportEdge,
    ContentReport,
    "A page of content reports (Relay connection).",
    "A content report in a page of results, with its cursor."
);

crate::connection_type!(
    SearchLogConnection,
    SearchLogEdge,
    SearchLog,
    "A page of search log rows (Relay connection).",
    "A search log row in a page of results, with its cursor."
);

crate::connection_type!(
    EmailDigestLogConnection,
    EmailDigestLogEdge,
    EmailDigestLog,
    "A page of email digest log rows (Relay connection).",
    "An email digest log row in a page of results, with its cursor."
);

crate::connection_type!(
    ChatUsageLogConnection,
    ChatUsageLogEdge,
    ChatUsageLog,
    "A page of chat usage log rows (Relay connection).",
    "A chat usage log row in a page of results, with its cursor."
);

/// A user's report about a piece of content.
pub(crate) struct ContentReport(pub(crate) content_reports::Model);

/// A user's report about a piece of content.
#[Object]
impl ContentReport {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::ContentReport, self.0.id)
    }

    /// What the report complains about.
    async fn report_type(&self) -> ReportType {
        self.0.report_type.into()
    }

    /// Where the report is in its workflow.
    async fn status(&self) -> ReportStatus {
        self.0.status.into()
    }

    /// The kind of the reported content, e.g. `technique_page`.
    async fn target_type(&self) -> &str {
        &self.0.target_type
    }

    /// The reported content (null if it is gone or hidden from the viewer).
    async fn target(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        let kind = match self.0.target_type.as_str() {
            "technique_page" => NodeKind::TechniquePage,
            "key_moment" => NodeKind::KeyMoment,
            "source_video" => NodeKind::SourceVideo,
            "creator" => NodeKind::Creator,
            "post" => NodeKind::Post,
            "generated_short" => NodeKind::GeneratedShort,
            _ => return Ok(None),
        };
        load_node(ctx, kind, self.0.target_id).await
    }

    /// What the reporter wrote.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Admins only (null for everyone else, creators reading reports about their content
    /// included): who filed the report (null when anonymous).
    async fn reporter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.reporter_id else {
            return Ok(None);
        };
        if authorize(ctx.data::<Viewer>()?, Permission::ReadContentReports).is_err() {
            return Ok(None);
        }
        Ok(one(read(ctx)?.user_by_id(), id).await?.map(User::of))
    }

    /// The admin who resolved or dismissed the report (admins only; null otherwise).
    async fn resolved_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.resolved_by else {
            return Ok(None);
        };
        if authorize(ctx.data::<Viewer>()?, Permission::ReadContentReports).is_err() {
            return Ok(None);
        }
        Ok(one(read(ctx)?.user_by_id(), id).await?.map(User::of))
    }

    /// Notes by the admins.
    async fn admin_notes(&self) -> Option<&str> {
        self.0.admin_notes.as_deref()
    }

    /// When the report was resolved or dismissed.
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at.map(utc)
    }

    /// When the report was filed.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// When the report last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        utc(self.0.updated_at)
    }
}

/// One search somebody ran.
pub(crate) struct SearchLog(pub(crate) search_logs::Model);

/// One search somebody ran.
#[Object]
impl SearchLog {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::SearchLog, self.0.id)
    }

    /// The normalized query.
    async fn query(&self) -> &str {
        &self.0.query
    }

    /// How many results it found for the public (anonymous visitors), whoever searched.
    async fn result_count(&self) -> i32 {
        self.0.result_count
    }

    /// The signed-in user who searched (null for anonymous searches and deleted accounts).
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.user_id else {
            return Ok(None);
        };
        Ok(one(read(ctx)?.user_by_id(), id).await?.map(User::of))
    }

    /// When it ran.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }
}

/// One email digest sent to a user.
pub(crate) struct EmailDigestLog(pub(crate) email_digest_logs::Model);

/// One email digest sent to a user.
#[Object]
impl EmailDigestLog {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::EmailDigestLog, self.0.id)
    }

    /// What the digest contained, grouped by creator, as stored.
    async fn content_summary(&self) -> &serde_json::Value {
        &self.0.content_summary
    }

    /// When it was sent.
    async fn sent_at(&self) -> DateTime<Utc> {
        utc(self.0.sent_at)
    }
}

/// One chat request with its token use.
pub(crate) struct ChatUsageLog(pub(crate) chat_usage_logs::Model);

/// One chat request with its token use.
#[Object]
impl ChatUsageLog {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::ChatUsageLog, self.0.id)
    }

    /// The client's IP address.
    async fn client_ip(&self) -> &str {
        &self.0.client_ip
    }

    /// The creator the chat was scoped to, if any.
    async fn creator_slug(&self) -> Option<&str> {
        self.0.creator_slug.as_deref()
    }

    /// The user's question.
    async fn query(&self) -> &str {
        &self.0.query
    }

    /// Prompt tokens used.
    async fn prompt_tokens(&self) -> i32 {
        self.0.prompt_tokens
    }

    /// Completion tokens used.
    async fn completion_tokens(&self) -> i32 {
        self.0.completion_tokens
    }

    /// All tokens used.
    async fn total_tokens(&self) -> i32 {
        self.0.total_tokens
    }

    /// Which retrieval tier answered: `creator`, `domain`, `global` or `none`.
    async fn cascade_tier(&self) -> &str {
        &self.0.cascade_tier
    }

    /// The model that answered.
    async fn model(&self) -> &str {
        &self.0.model
    }

    /// End-to-end response time in milliseconds.
    async fn latency_ms(&self) -> i32 {
        self.0.latency_ms
    }

    /// When the request was made.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }
}
