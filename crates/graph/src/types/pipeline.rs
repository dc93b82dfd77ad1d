//! `PipelineRun`s over a video and their `PipelineEvent`s (creator's users and admins).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{pipeline_events, pipeline_runs};

use super::{PipelineRunStatus, PipelineRunTrigger, SourceVideo, nested_connection, read, utc};
use crate::{
    ids::{self, NodeKind},
    loaders::one,
};

crate::connection_type!(
    PipelineRunConnection,
    PipelineRunEdge,
    PipelineRun,
    "A page of pipeline runs (Relay connection).",
    "A pipeline run in a page of results, with its cursor."
);
crate::connection_type!(
    PipelineEventConnection,
    PipelineEventEdge,
    PipelineEvent,
    "A page of pipeline events (Relay connection).",
    "A pipeline event in a page of results, with its cursor."
);

/// One execution of the processing pipeline over a video.
pub(crate) struct PipelineRun(pub(crate) pipeline_runs::Model);

crate::pagination::object_with_connections! {
/// One execution of the processing pipeline over a video.
impl PipelineRun {
    fields {
        /// Opaque global ID.
        pub(crate) async fn id(&self) -> ID {
            ids::encode(NodeKind::PipelineRun, self.0.id)
        }

        /// The run's state.
        async fn status(&self) -> PipelineRunStatus {
            self.0.status.into()
        }

        /// What started the run.
        async fn trigger(&self) -> PipelineRunTrigger {
            self.0.trigger.into()
        }

        /// The stage being worked on (1–6).
        async fn current_stage(&self) -> Option<i32> {
            self.0.current_stage
        }

        /// Prompt tokens used.
        async fn prompt_tokens(&self) -> i64 {
            self.0.prompt_tokens
        }

        /// Completion tokens used.
        async fn completion_tokens(&self) -> i64 {
            self.0.completion_tokens
        }

        /// All tokens used.
        async fn total_tokens(&self) -> i64 {
            self.0.total_tokens
        }

        /// Why the run failed.
        async fn error_message(&self) -> Option<&str> {
            self.0.error_message.as_deref()
        }

        /// When the run started.
        async fn started_at(&self) -> Option<DateTime<Utc>> {
            self.0.started_at.map(utc)
        }

        /// When the run finished.
        async fn finished_at(&self) -> Option<DateTime<Utc>> {
            self.0.finished_at.map(utc)
        }

        /// When the run was created.
        async fn created_at(&self) -> DateTime<Utc> {
            utc(self.0.created_at)
        }

        /// The video processed.
        async fn source_video(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SourceVideo>> {
            Ok(one(read(ctx)?.video_by_id(), self.0.source_video_id)
                .await?
                .map(SourceVideo))
        }
    }
    connections {
        /// The run's events in time order.
        async fn events(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<PipelineEventConnection> {
            let l = read(ctx)?;
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.run_event_counts(),
                l.run_events(),
                PipelineEvent,
            )
            .await
            .map(PipelineEventConnection)
        }
    }
}
}

/// One step of a pipeline run, with its token use.
pub(crate) struct PipelineEvent(pub(crate) pipeline_events::Model);

/// One step of a pipeline run, with its token use.
#[Object]
impl PipelineEvent {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::PipelineEvent, self.0.id)
    }

    /// The stage (1–6).
    async fn stage(&self) -> i32 {
        self.0.stage
    }

    /// What happened, e.g. `started` or `completed`.
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }

    /// Prompt tokens used.
    async fn prompt_tokens(&self) -> Option<i32> {
        self.0.prompt_tokens
    }

    /// Completion tokens used.
    async fn completion_tokens(&self) -> Option<i32> {
        self.0.completion_tokens
    }

    /// All tokens used.
    async fn total_tokens(&self) -> Option<i32> {
        self.0.total_tokens
    }

    /// Event details, as stored.
    async fn payload(&self) -> Option<&serde_json::Value> {
        self.0.payload.as_ref()
    }

    /// When it happened.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// The run the event belongs to.
    async fn run(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PipelineRun>> {
        Ok(one(read(ctx)?.run_by_id(), self.0.pipeline_run_id)
            .await?
            .map(PipelineRun))
    }
}
