//! Search results: the `SearchResult` union, its connection (edges carry rank and snippets) and
//! `PopularSearch`.

use async_graphql::{Object, SimpleObject, Union, connection::PageInfo};
use chrono::{DateTime, Utc};

use super::{Creator, KeyMoment, TechniquePage, TranscriptSegment, utc};
use crate::services::{search, search_log};

/// Something a search found.
#[derive(Union)]
pub(crate) enum SearchResult {
    /// A technique page.
    TechniquePage(TechniquePage),
    /// A key moment of a video.
    KeyMoment(KeyMoment),
    /// A creator.
    Creator(Creator),
    /// A transcript segment: what was said in a video at a point in time.
    TranscriptSegment(TranscriptSegment),
}

/// A matched stretch of a snippet's text.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub(crate) struct TextRange {
    /// Where the match starts, in UTF-16 code units (as JavaScript's `String.prototype.slice`
    /// counts).
    pub start: i32,
    /// How long the match is, in UTF-16 code units.
    pub length: i32,
}

/// An excerpt of one field of a search result with the matched words marked.
pub(crate) struct SearchSnippet(pub search::Snippet);

/// An excerpt of one field of a search result with the matched words marked.
#[Object]
impl SearchSnippet {
    /// The field the excerpt comes from: `title`, `summary`, `name`, `bio` or `text`.
    async fn field(&self) -> &str {
        self.0.field
    }

    /// The excerpt as plain text; ` … ` separates fragments taken from different places.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The matched stretches of `text`, in order (empty when this field did not match).
    async fn highlights(&self) -> Vec<TextRange> {
        self.0
            .highlights
            .iter()
            .map(|&(start, length)| TextRange {
                start: i32::try_from(start).unwrap_or(i32::MAX),
                length: i32::try_from(length).unwrap_or(i32::MAX),
            })
            .collect()
    }

    /// The excerpt as HTML: the text escaped, each match wrapped in `<mark>`. Safe to insert as
    /// markup.
    async fn html(&self) -> String {
        let mut html = String::with_capacity(self.0.text.len() + 16);
        let mut ranges = self.0.highlights.iter().peekable();
        let mut at = 0usize;
        let mut open_until = None;
        for c in self.0.text.chars() {
            if open_until == Some(at) {
                html.push_str("</mark>");
                open_until = None;
            }
            if let Some(&&(start, length)) = ranges.peek()
                && start == at
                && open_until.is_none()
            {
                html.push_str("<mark>");
                open_until = Some(start + length);
                ranges.next();
            }
            match c {
                '<' => html.push_str("&lt;"),
                '>' => html.push_str("&gt;"),
                '&' => html.push_str("&amp;"),
                '"' => html.push_str("&quot;"),
                '\'' => html.push_str("&#39;"),
                c => html.push(c),
            }
            at += c.len_utf16();
        }
        if open_until.is_some() {
            html.push_str("</mark>");
        }
        html
    }
}

/// A search result with its cursor, relevance and snippets.
pub(crate) struct SearchEdge {
    pub(crate) cursor: String,
    pub(crate) rank: f64,
    pub(crate) snippets: Vec<search::Snippet>,
    pub(crate) node: SearchResult,
}

/// A search result with its cursor, relevance and snippets.
#[Object]
impl SearchEdge {
    /// Opaque cursor of this result, for `after`.
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    /// Relevance between 0 and 1: higher is better. Comparable between results of one search only.
    async fn rank(&self) -> f64 {
        self.rank
    }

    /// Excerpts with the matched words marked: the title or name (not for transcripts), then the
    /// summary, bio or transcript text.
    async fn snippets(&self) -> Vec<SearchSnippet> {
        self.snippets.iter().cloned().map(SearchSnippet).collect()
    }

    /// The result.
    async fn node(&self) -> &SearchResult {
        &self.node
    }
}

/// A page of search results, best first (Relay connection).
pub(crate) struct SearchConnection {
    pub(crate) edges: Vec<SearchEdge>,
    pub(crate) page_info: PageInfo,
    pub(crate) total_count: u64,
}

/// A page of search results, best first (Relay connection).
#[Object]
impl SearchConnection {
    /// The results of this page, each with its cursor, rank and snippets.
    async fn edges(&self) -> &[SearchEdge] {
        &self.edges
    }

    /// The results of this page, without cursors.
    async fn nodes(&self) -> Vec<&SearchResult> {
        self.edges.iter().map(|e| &e.node).collect()
    }

    /// Whether more results exist before or after this page, and the cursors to get them.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// How many results match in all, across all pages.
    async fn total_count(&self) -> i64 {
        i64::try_from(self.total_count).unwrap_or(i64::MAX)
    }
}

/// A query people search often.
pub(crate) struct PopularSearch(pub search_log::Popular);

/// A query people search often.
#[Object]
impl PopularSearch {
    /// The query, normalized (trimmed, lower-case, single spaces).
    async fn query(&self) -> &str {
        &self.0.query
    }

    /// How many searches used it in the period.
    async fn count(&self) -> i64 {
        self.0.count
    }

    /// When it was last searched.
    async fn last_searched_at(&self) -> DateTime<Utc> {
        utc(self.0.last_searched_at)
    }
}
