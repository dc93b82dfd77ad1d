//! `search` and `popularSearches`.

use async_graphql::{Context, Object, connection::PageInfo};
use chrono::{DateTime, Utc};
use futures::future::try_join_all;
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    error::ServiceError,
    ids::NodeKind,
    inputs::{SearchFilter, SearchOrder, SearchType},
    pagination::{PageArgs, Window, connection},
    services::{
        facets,
        search::{self, Search, SearchCache},
        search_log::{self, Entry, SearchLogWriter},
        visibility::Scope,
    },
    types::{
        Node, PopularSearch, SearchConnection, SearchEdge, SearchResult, node::load_node, read,
    },
};

/// Full-text search and what people search for.
#[derive(Default)]
pub(crate) struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Searches technique pages, key moments, creators and transcripts, best match first. Every
    /// word must match, the last one as a prefix (`rees bas` finds "Reese bass"); accents and
    /// English word endings are ignored. Key moments and transcripts come only from videos the
    /// viewer may see whose creator allows knowledge-base use. The first page of a search is
    /// logged (query, result count, viewer) for `popularSearches`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one parameter per GraphQL argument"
    )]
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
        let types: Option<Vec<search::SearchType>> =
            types.map(|t| t.into_iter().map(Into::into).collect());
        let search = Search::new(&query, types, &filter.unwrap_or_default().try_into()?)?;
        let window = args.window(None);
        let db = ctx.data::<DatabaseConnection>()?;
        let cache = ctx.data::<SearchCache>()?;
        let scope = &read(ctx)?.scope;
        let generation = search::generation(db, cache).await?;
        let mut answer = search::run_cached(db, cache, scope, &search, window, generation).await?;
        let page = loop {
            let page = load_page(ctx, window, &answer).await?;
            if page.vanished == 0 || !answer.cached {
                break page;
            }
            // A result of the cached answer is no longer visible: its total (and the other
            // pages') would count it. Rank afresh; this happens at most once.
            answer = search::rerun(db, cache, scope, &search, window, generation).await?;
        };
        // A row hidden between the ranking and the loading is not counted either.
        let total = answer.results.total.saturating_sub(page.vanished);
        if first_page {
            // Only what everyone may see counts as found: the log feeds the public
            // `popularSearches`, which must not publish what only an admin's search found.
            let public = Scope::of(&Viewer::Anonymous);
            let public_total = if scope.key() == public.key() {
                total
            } else {
                search::run_cached(db, cache, &public, &search, window, generation)
                    .await?
                    .results
                    .total
            };
            let writer = ctx.data::<SearchLogWriter>()?;
            writer
                .record(Entry {
                    query: search.text.normalized.clone(),
                    result_count: public_total,
                    user_id: ctx.data::<Viewer>()?.user().map(|u| u.id),
                    at: Utc::now().naive_utc(),
                })
                .await;
        }
        Ok(SearchConnection {
            page_info: page.page_info,
            edges: page.edges,
            total_count: total,
        })
    }

    /// The queries searched most often since `since` (default: the last 7 days) that found
    /// something everyone may see, most frequent first.
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

/// A page of results as the viewer gets them.
struct LoadedPage {
    page_info: PageInfo,
    edges: Vec<SearchEdge>,
    /// Results of the answer that did not load (hidden or deleted since they were ranked),
    /// including, for a cached answer, the extra row that tells whether a next page exists.
    vanished: u64,
}

/// Loads the nodes of `answer`'s page through the visibility-checked loaders (one batch per kind),
/// with cursors and page info as every other connection has them.
async fn load_page(
    ctx: &Context<'_>,
    window: Window,
    answer: &search::Answer,
) -> async_graphql::Result<LoadedPage> {
    let hits = &answer.results.hits;
    let limit = usize::try_from(window.limit).unwrap_or(usize::MAX);
    // A cached answer's `hasNextPage` rests on the row after the page: check that one as well.
    let extra = hits.get(limit).filter(|_| answer.cached);
    let page = connection(window, hits.clone(), Some(answer.results.total), |hit| hit);
    let mut nodes = try_join_all(
        page.edges
            .iter()
            .map(|(_, hit)| hit)
            .chain(extra)
            .map(|hit| load_node(ctx, node_kind(hit.kind), hit.id)),
    )
    .await?;
    let mut vanished = 0;
    if extra.is_some() && nodes.pop().flatten().is_none() {
        vanished += 1;
    }
    let mut edges = Vec::with_capacity(page.edges.len());
    for ((cursor, hit), node) in page.edges.into_iter().zip(nodes) {
        match node.and_then(search_result) {
            Some(node) => edges.push(SearchEdge {
                cursor,
                rank: hit.rank,
                snippets: hit.snippets,
                node,
            }),
            None => vanished += 1,
        }
    }
    let mut page_info = page.page_info;
    page_info.start_cursor = edges.first().map(|e| e.cursor.clone());
    page_info.end_cursor = edges.last().map(|e| e.cursor.clone());
    Ok(LoadedPage {
        page_info,
        edges,
        vanished,
    })
}

fn node_kind(kind: search::SearchType) -> NodeKind {
    match kind {
        search::SearchType::TechniquePage => NodeKind::TechniquePage,
        search::SearchType::KeyMoment => NodeKind::KeyMoment,
        search::SearchType::Creator => NodeKind::Creator,
        search::SearchType::Transcript => NodeKind::TranscriptSegment,
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
