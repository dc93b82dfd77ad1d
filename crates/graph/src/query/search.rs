//! `search` and `popularSearches`.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use futures::future::try_join_all;
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    error::ServiceError,
    ids::NodeKind,
    inputs::{SearchFilter, SearchOrder, SearchType},
    pagination::{PageArgs, connection},
    services::{
        facets,
        search::{self, Search, SearchCache},
        search_log::{self, Entry, SearchLogWriter},
    },
    types::{
        Node, PopularSearch, SearchConnection, SearchEdge, SearchResult, node::load_node, read,
    },
};

/// Full-text search and what people search for.
#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Searches technique pages, key moments, creators and transcripts, best match first. Every
    /// word must match, the last one as a prefix (`rees bas` finds "Reese bass"); accents and
    /// English word endings are ignored. Key moments and transcripts come only from videos the
    /// viewer may see whose creator allows knowledge-base use. The first page of a search is
    /// logged (query, result count, viewer) for `popularSearches`.
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for (1–200 characters, at most 16 words).")] query: String,
        #[graphql(desc = "Kinds of results to include (default: all).")] types: Option<
            Vec<SearchType>,
        >,
        #[graphql(desc = "Conditions every result must meet.")] filter: Option<SearchFilter>,
        #[graphql(desc = "The order of the results (default: relevance).")] order_by: Option<
            SearchOrder,
        >,
        #[graphql(desc = "Page size (0–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor: return results after this one.")] after: Option<String>,
    ) -> async_graphql::Result<SearchConnection> {
        let SearchOrder::Relevance = order_by.unwrap_or_default();
        let first_page = after.is_none();
        let args = PageArgs::new(after, None, first, None)?;
        let search = Search::new(&query, types, &filter.unwrap_or_default())?;
        let window = args.window(None);
        let db = ctx.data::<DatabaseConnection>()?;
        let cache = ctx.data::<SearchCache>()?;
        let results = search::run_cached(db, cache, &read(ctx)?.scope, &search, window).await?;
        if first_page {
            let writer = ctx.data::<SearchLogWriter>()?;
            writer
                .record(Entry {
                    query: search.text.normalized.clone(),
                    result_count: results.total,
                    user_id: ctx.data::<Viewer>()?.user().map(|u| u.id),
                    at: Utc::now().naive_utc(),
                })
                .await;
        }
        // Cursors and page info as every other connection has them; nodes load in one batch per kind.
        let page = connection(window, results.hits.clone(), Some(results.total), |hit| hit);
        let nodes = try_join_all(
            page.edges
                .iter()
                .map(|(_, hit)| load_node(ctx, node_kind(hit.kind), hit.id)),
        )
        .await?;
        let edges: Vec<SearchEdge> = page
            .edges
            .into_iter()
            .zip(nodes)
            .filter_map(|((cursor, hit), node)| {
                Some(SearchEdge {
                    cursor,
                    rank: hit.rank,
                    snippets: hit.snippets,
                    node: search_result(node?)?,
                })
            })
            .collect();
        Ok(SearchConnection {
            page_info: page.page_info,
            edges,
            total_count: results.total,
        })
    }

    /// The queries searched most often since `since` (default: the last 7 days) that found
    /// something, most frequent first.
    async fn popular_searches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Count searches from this instant on (default: 7 days ago).")]
        since: Option<DateTime<Utc>>,
        #[graphql(desc = "How many queries to return (0–100, default 10).")] limit: Option<i32>,
    ) -> async_graphql::Result<Vec<PopularSearch>> {
        let limit = facets::limit(limit.unwrap_or(10))?;
        if since.is_some_and(|s| s > Utc::now()) {
            return Err(ServiceError::invalid("since", "`since` must not be in the future").into());
        }
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(search_log::popular(db, since, limit)
            .await?
            .into_iter()
            .map(PopularSearch)
            .collect())
    }
}

fn node_kind(kind: SearchType) -> NodeKind {
    match kind {
        SearchType::TechniquePage => NodeKind::TechniquePage,
        SearchType::KeyMoment => NodeKind::KeyMoment,
        SearchType::Creator => NodeKind::Creator,
        SearchType::Transcript => NodeKind::TranscriptSegment,
    }
}

fn search_result(node: Node) -> Option<SearchResult> {
    match node {
        Node::TechniquePage(p) => Some(SearchResult::TechniquePage(p)),
        Node::KeyMoment(m) => Some(SearchResult::KeyMoment(m)),
        Node::Creator(c) => Some(SearchResult::Creator(c)),
        Node::TranscriptSegment(s) => Some(SearchResult::TranscriptSegment(s)),
        _ => None,
    }
}
