//! Inputs of the technique page mutations, converted into `services::page_edit` values.

use async_graphql::{ID, InputObject};

use crate::{
    services::page_edit::{Chain, PageEdit, Section},
    types::{RelationshipType, SourceQuality},
};

/// A body section as a curator writes it (stored in the v2 format).
#[derive(InputObject, Clone, Debug)]
pub(crate) struct BodySectionInput {
    /// The heading (non-empty, at most 300 characters).
    pub heading: String,
    /// The section's text (at most 50,000 characters).
    #[graphql(default)]
    pub content: String,
    /// Sub-sections, in order (at most 4 levels in all).
    #[graphql(default)]
    pub children: Vec<BodySectionInput>,
}

impl From<BodySectionInput> for Section {
    fn from(input: BodySectionInput) -> Self {
        Self {
            heading: input.heading,
            content: input.content,
            children: input.children.into_iter().map(Into::into).collect(),
        }
    }
}

/// A named signal chain as a curator writes it.
#[derive(InputObject, Clone, Debug)]
pub(crate) struct SignalChainInput {
    /// The chain's name, e.g. `Bus processing`.
    pub name: String,
    /// The steps in signal order, e.g. plugin names.
    pub steps: Vec<String>,
}

/// Changes to a technique page; an omitted field stays as it is.
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct UpdateTechniquePageInput {
    /// A new title (at most 500 characters); the slug stays.
    pub title: Option<String>,
    /// A new slug; the old one keeps resolving to the page. `CONFLICT` when taken.
    pub slug: Option<String>,
    /// A new summary.
    pub summary: Option<String>,
    /// The whole new body as a tree of sections.
    pub body_sections: Option<Vec<BodySectionInput>>,
    /// The new signal chains (an empty list removes them).
    pub signal_chains: Option<Vec<SignalChainInput>>,
    /// The new plugins and instruments.
    pub plugins: Option<Vec<String>>,
    /// The new topic category (empty clears it).
    pub topic_category: Option<String>,
    /// The new topic tags.
    pub topic_tags: Option<Vec<String>>,
    /// The new source quality.
    pub source_quality: Option<SourceQuality>,
}

impl From<UpdateTechniquePageInput> for PageEdit {
    fn from(input: UpdateTechniquePageInput) -> Self {
        Self {
            title: input.title,
            slug: input.slug,
            summary: input.summary,
            body_sections: input
                .body_sections
                .map(|s| s.into_iter().map(Into::into).collect()),
            signal_chains: input.signal_chains.map(|chains| {
                (!chains.is_empty()).then(|| {
                    chains
                        .into_iter()
                        .map(|c| Chain {
                            name: c.name,
                            steps: c.steps,
                        })
                        .collect()
                })
            }),
            plugins: input.plugins,
            topic_category: input.topic_category.map(Some),
            topic_tags: input.topic_tags,
            source_quality: input.source_quality.map(|q| Some(q.into())),
        }
    }
}

/// A link to make from one technique page to another.
#[derive(InputObject, Clone, Debug)]
pub(crate) struct LinkTechniquePagesInput {
    /// The page the link goes from (its curators make links).
    pub source_id: ID,
    /// The page the link points to.
    pub target_id: ID,
    /// How the source relates to the target. `PREREQUISITE` links may not form a cycle.
    #[graphql(default_with = "RelationshipType::Related")]
    pub relationship_type: RelationshipType,
    /// A label for the link (at most 255 characters; empty is none).
    pub label: Option<String>,
}

/// The links to remove from one technique page to another.
#[derive(InputObject, Clone, Debug)]
pub(crate) struct UnlinkTechniquePagesInput {
    /// The page the links go from.
    pub source_id: ID,
    /// The page they point to.
    pub target_id: ID,
    /// Only links of this type (omitted: every link between the two).
    pub relationship_type: Option<RelationshipType>,
}
