//! GraphQL enums mirroring the database's enum types, converted both ways.

use async_graphql::Enum;
use entity::sea_orm_active_enums as db;

/// Declares a documented GraphQL enum mirroring the database enum of the same name, with
/// conversions both ways.
macro_rules! mirror_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $vdoc:literal])* $variant:ident),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[doc = $vdoc])* $variant),+
        }

        impl From<db::$name> for $name {
            fn from(value: db::$name) -> Self {
                match value {
                    $(db::$name::$variant => Self::$variant),+
                }
            }
        }

        impl From<$name> for db::$name {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => Self::$variant),+
                }
            }
        }
    };
}

mirror_enum!(
    /// How trustworthy the sources behind a technique page are.
    SourceQuality {
        /// Clear, complete demonstrations.
        High,
        /// Usable, with gaps.
        Medium,
        /// Fragmentary or unclear sources.
        Low,
    }
);

mirror_enum!(
    /// The kind of teaching a key moment holds.
    ContentType {
        /// A step-by-step tutorial.
        Tutorial,
        /// A short tip.
        Tip,
        /// Open-ended exploration.
        Exploration,
        /// A walkthrough of a project or session.
        Walkthrough,
    }
);

mirror_enum!(
    /// Where a video is in the processing pipeline.
    ProcessingStatus {
        /// Waiting to be processed.
        Queued,
        /// Being processed.
        InProgress,
        /// Fully processed.
        Complete,
        /// Processing failed.
        Errored,
        /// The creator revoked the video; it is hidden.
        Revoked,
    }
);

mirror_enum!(
    /// How one technique page relates to another.
    RelationshipType {
        /// Loosely related.
        Related,
        /// The target should be learnt first.
        Prerequisite,
        /// The source builds on the target.
        BuildsOn,
    }
);

mirror_enum!(
    /// What a content report complains about.
    ReportType {
        /// Something is wrong.
        Inaccuracy,
        /// Something is missing.
        MissingInfo,
        /// Something is offensive.
        Offensive,
        /// Anything else.
        Other,
    }
);

mirror_enum!(
    /// Where a content report is in its workflow.
    ReportStatus {
        /// Not yet looked at.
        Open,
        /// Seen by an admin.
        Acknowledged,
        /// Fixed.
        Resolved,
        /// Closed without change.
        Dismissed,
    }
);

mirror_enum!(
    /// The state of a pipeline run.
    PipelineRunStatus {
        /// Not started.
        Pending,
        /// In progress.
        Running,
        /// Finished successfully.
        Completed,
        /// Failed.
        Failed,
        /// Stopped because the video was revoked.
        Revoked,
    }
);

mirror_enum!(
    /// What started a pipeline run.
    PipelineRunTrigger {
        /// Started automatically on ingest.
        Auto,
        /// Started by hand.
        Manual,
        /// Re-run of an earlier run.
        Retrigger,
        /// Re-run after clearing earlier results.
        CleanRetrigger,
    }
);

mirror_enum!(
    /// A user's role.
    UserRole {
        /// Runs the service.
        Admin,
        /// Curates a creator profile (or follows creators).
        Creator,
    }
);

mirror_enum!(
    /// A consent setting of a video.
    ConsentField {
        /// Whether the video may feed the knowledge base.
        KbInclusion,
        /// Whether the video may be used for training.
        TrainingUsage,
        /// Whether the video may be shown publicly.
        PublicDisplay,
    }
);

mirror_enum!(
    /// Review state of a highlight candidate.
    HighlightStatus {
        /// Proposed, not reviewed.
        Candidate,
        /// Approved for shorts.
        Approved,
        /// Rejected.
        Rejected,
    }
);

mirror_enum!(
    /// Review state of a key moment as a video chapter.
    ChapterStatus {
        /// Not yet reviewed.
        Draft,
        /// Shown as a chapter.
        Approved,
        /// Not shown as a chapter.
        Hidden,
    }
);

mirror_enum!(
    /// The aspect ratio of a generated short.
    FormatPreset {
        /// 9:16.
        Vertical,
        /// 1:1.
        Square,
        /// 16:9.
        Horizontal,
    }
);

mirror_enum!(
    /// Rendering state of a generated short.
    ShortStatus {
        /// Waiting to render.
        Pending,
        /// Rendering.
        Processing,
        /// Rendered and shareable.
        Complete,
        /// Rendering failed.
        Failed,
    }
);

/// Review state of a key moment (stored as text in the database).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStatus {
    /// Not yet reviewed.
    Pending,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
}

impl ReviewStatus {
    /// The stored text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// Parses the stored text form.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(Self::Pending),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}
