//! Full-text search over technique pages, key moments, creators and transcripts, ranked in one
//! statement, with highlighted snippets for the returned page only.
//!
//! The query text is reduced to words (letters and digits); every word must match, the last one as
//! a prefix (so results appear while the user is still typing). Words go through the
//! `patchbay_search` configuration (unaccent + English stemming, `m20261124_000020_search`), the
//! same one that built the generated `search_vector` columns. Key moments and transcripts only
//! come from videos the viewer may see *and* whose creator granted knowledge-base inclusion — the
//! latter for every viewer, admins included (`docs/decisions/0040-search.md`).

use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use lru::LruCache;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, Value};
use uuid::Uuid;

use crate::{
    services::error::{ServiceError, ServiceResult},
    services::visibility::{Alias, Rule, Scope},
    services::window::Window,
    services::{browse::text_arg, ids::CreatorId},
};

/// The longest query accepted, in characters.
pub(crate) const MAX_QUERY_CHARS: usize = 200;
/// The most words a query may have.
pub(crate) const MAX_QUERY_WORDS: usize = 16;

/// Marks the start of a highlighted match in `ts_headline` output (a private-use character, so it
/// cannot be confused with text or markup).
const HIT_START: char = '\u{E000}';
/// Marks the end of a highlighted match.
const HIT_END: char = '\u{E001}';

/// A validated search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchText {
    /// The query as logged and aggregated: trimmed, lower-case, single spaces.
    pub normalized: String,
    /// The `to_tsquery` input: quoted words joined by `&`, the last one a prefix.
    pub tsquery: String,
}

/// Validates the `query` argument.
pub(crate) fn parse_query(raw: &str) -> ServiceResult<SearchText> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ServiceError::invalid("query", "`query` must not be empty"));
    }
    if trimmed.chars().count() > MAX_QUERY_CHARS {
        return Err(ServiceError::invalid(
            "query",
            format!("`query` must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let words: Vec<String> = trimmed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return Err(ServiceError::invalid(
            "query",
            "`query` must contain at least one letter or digit",
        ));
    }
    if words.len() > MAX_QUERY_WORDS {
        return Err(ServiceError::invalid(
            "query",
            format!("`query` must have at most {MAX_QUERY_WORDS} words"),
        ));
    }
    // Words hold only letters and digits, so quoting them cannot break out of the tsquery syntax.
    let last = words.len() - 1;
    let tsquery = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last {
                format!("'{w}':*")
            } else {
                format!("'{w}'")
            }
        })
        .collect::<Vec<_>>()
        .join(" & ");
    let normalized = trimmed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    Ok(SearchText {
        normalized,
        tsquery,
    })
}

/// A kind of search result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchType {
    /// Technique pages (title, categories, tags, plugins, summary, body text).
    TechniquePage,
    /// Key moments of videos (title, category, tags, summary).
    KeyMoment,
    /// Creators (name, genres, bio).
    Creator,
    /// Transcript segments (what was said in a video).
    Transcript,
}

impl SearchType {
    /// Every kind, in the order results of equal rank are listed.
    pub const ALL: [Self; 4] = [
        Self::TechniquePage,
        Self::KeyMoment,
        Self::Creator,
        Self::Transcript,
    ];
}

/// Narrows search results; all given conditions must hold.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchFilter {
    /// Results belonging to this creator: the creator, their pages, and the moments and
    /// transcripts of their videos.
    pub creator: Option<CreatorId>,
    /// Results in this topic category (case-insensitive); only pages and moments have one.
    pub topic_category: Option<String>,
}

/// A validated search: the query, the kinds of results, the filter.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    /// The query.
    pub text: SearchText,
    types: Vec<SearchType>,
    creator: Option<Uuid>,
    topic_category: Option<String>,
}

impl Search {
    /// Validates the arguments of `search`.
    pub(crate) fn new(
        query: &str,
        types: Option<Vec<SearchType>>,
        filter: &SearchFilter,
    ) -> ServiceResult<Self> {
        let text = parse_query(query)?;
        let types = match types {
            None => SearchType::ALL.to_vec(),
            Some(t) if t.is_empty() => {
                return Err(ServiceError::invalid(
                    "types",
                    "`types` must name at least one kind of result (or be left out for all)",
                ));
            }
            Some(t) => SearchType::ALL
                .into_iter()
                .filter(|k| t.contains(k))
                .collect(),
        };
        Ok(Self {
            text,
            types,
            creator: filter.creator.map(CreatorId::into_uuid),
            topic_category: text_arg(filter.topic_category.as_deref(), "topicCategory")?,
        })
    }
}

/// A highlighted excerpt of one field of a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snippet {
    /// The field it comes from, e.g. `title`, `summary`, `bio`, `text`.
    pub field: &'static str,
    /// The excerpt as plain text.
    pub text: String,
    /// Matched ranges of `text` as (start, length) in UTF-16 code units.
    pub highlights: Vec<(usize, usize)>,
}

impl Snippet {
    /// Splits `ts_headline` output into plain text and highlighted ranges.
    fn parse(field: &'static str, marked: &str) -> Self {
        let mut text = String::with_capacity(marked.len());
        let mut highlights = Vec::new();
        let mut at = 0usize;
        let mut start = None;
        for c in marked.chars() {
            match c {
                HIT_START => start = Some(at),
                HIT_END => {
                    if let Some(s) = start.take()
                        && at > s
                    {
                        highlights.push((s, at - s));
                    }
                }
                c => {
                    text.push(c);
                    at += c.len_utf16();
                }
            }
        }
        Self {
            field,
            text,
            highlights,
        }
    }
}

/// One search result: what it is, how well it matched, and its snippets.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    /// The kind of result.
    pub kind: SearchType,
    /// Its primary key.
    pub id: Uuid,
    /// Relevance (higher is better; comparable within one search).
    pub rank: f64,
    /// Highlighted excerpts: the title or name (not for transcripts) and the text.
    pub snippets: Vec<Snippet>,
}

/// A page of results and the total number of matches.
#[derive(Debug, Clone, Default)]
pub(crate) struct Results {
    /// The rows of the window (plus one when more follow).
    pub hits: Vec<Hit>,
    /// How many results match in all.
    pub total: u64,
}

#[derive(Debug, FromQueryResult)]
struct HitRow {
    kind: String,
    id: Uuid,
    rank: f32,
    total: i64,
    title_hl: String,
    text_hl: String,
}

const TITLE_OPTIONS: &str = "StartSel=\u{E000}, StopSel=\u{E001}, HighlightAll=true";
const TEXT_OPTIONS: &str = "StartSel=\u{E000}, StopSel=\u{E001}, MaxWords=32, MinWords=12, \
                            ShortWord=2, MaxFragments=2, FragmentDelimiter=\" … \"";

/// The source video joined to search hits of key moments and transcripts.
const VIDEO: Alias = Alias::new("v");
/// The alias of a key moment in the search statement.
const MOMENT: Alias = Alias::new("m");

/// Numbered bind parameters for a statement built piece by piece.
struct Params(Vec<Value>);

impl Params {
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }
}

/// Runs `search` for the viewer of `scope`, returning the rows of `window` and the total.
pub(crate) async fn run(
    db: &impl ConnectionTrait,
    scope: &Scope,
    search: &Search,
    window: Window,
) -> ServiceResult<Results> {
    let mut params = Params(Vec::new());
    let q = params.bind(search.text.tsquery.clone());
    let creator = search.creator.map(|c| params.bind(c));
    let category = search.topic_category.clone().map(|c| params.bind(c));
    let mut arms = Vec::new();
    for kind in &search.types {
        if let Some(arm) = arm(
            *kind,
            scope,
            &mut params,
            creator.as_deref(),
            category.as_deref(),
        ) {
            arms.push(arm);
        }
    }
    if arms.is_empty() {
        return Ok(Results {
            hits: Vec::new(),
            total: 0,
        });
    }
    let offset = params.bind(i64::try_from(window.offset).unwrap_or(i64::MAX));
    let limit = params.bind(i64::try_from(window.fetch()).unwrap_or(i64::MAX));
    let sql = format!(
        "WITH q AS (SELECT to_tsquery('patchbay_search', {q}) AS q), \
         hits AS ({arms}), \
         page AS (SELECT kind, id, rank, count(*) OVER () AS total FROM hits \
                  ORDER BY rank DESC, kind, id OFFSET {offset} LIMIT {limit}) \
         SELECT page.kind, page.id, page.rank, page.total, \
           ts_headline('patchbay_search', coalesce(p.title, m.title, c.name, ''), q.q, \
                       '{TITLE_OPTIONS}') AS title_hl, \
           ts_headline('patchbay_search', coalesce(p.summary, m.summary, c.bio, s.text, ''), q.q, \
                       '{TEXT_OPTIONS}') AS text_hl \
         FROM page CROSS JOIN q \
         LEFT JOIN technique_pages p ON page.kind = 'TECHNIQUE_PAGE' AND p.id = page.id \
         LEFT JOIN key_moments m ON page.kind = 'KEY_MOMENT' AND m.id = page.id \
         LEFT JOIN creators c ON page.kind = 'CREATOR' AND c.id = page.id \
         LEFT JOIN transcript_segments s ON page.kind = 'TRANSCRIPT' AND s.id = page.id \
         ORDER BY page.rank DESC, page.kind, page.id",
        arms = arms.join(" UNION ALL "),
    );
    let rows = HitRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        &sql,
        params.0.clone(),
    ))
    .all(db)
    .await?;
    let total = match rows.first() {
        Some(row) => u64::try_from(row.total).unwrap_or(0),
        // Past the last result the window holds no row to carry the total: count separately.
        None if window.offset > 0 => count(db, &arms, params.0, &q).await?,
        None => 0,
    };
    let hits = rows.into_iter().filter_map(HitRow::into_hit).collect();
    Ok(Results { hits, total })
}

async fn count(
    db: &impl ConnectionTrait,
    arms: &[String],
    mut params: Vec<Value>,
    q: &str,
) -> ServiceResult<u64> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    // Offset and limit were bound last; the count statement does not use them.
    params.truncate(params.len() - 2);
    let sql = format!(
        "WITH q AS (SELECT to_tsquery('patchbay_search', {q}) AS q) \
         SELECT count(*) AS n FROM ({}) hits",
        arms.join(" UNION ALL ")
    );
    let n = Count::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        &sql,
        params,
    ))
    .one(db)
    .await?
    .map_or(0, |c| c.n);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The `SELECT kind, id, rank` arm of one kind of result, or `None` when the filter rules the kind
/// out.
fn arm(
    kind: SearchType,
    scope: &Scope,
    params: &mut Params,
    creator: Option<&str>,
    category: Option<&str>,
) -> Option<String> {
    let rank = |t: &str| format!("ts_rank_cd({t}.search_vector, q.q, 32) AS rank");
    let matches = |t: &str| format!("{t}.search_vector @@ q.q");
    let mut conditions = Vec::new();
    let from = match kind {
        SearchType::TechniquePage => {
            conditions.push(matches("p"));
            if let Some(c) = creator {
                conditions.push(format!("p.creator_id = {c}"));
            }
            if let Some(c) = category {
                conditions.push(format!("lower(p.topic_category) = lower({c})"));
            }
            format!(
                "SELECT 'TECHNIQUE_PAGE'::text AS kind, p.id, {} FROM technique_pages p, q",
                rank("p")
            )
        }
        SearchType::KeyMoment => {
            conditions.push(matches("m"));
            conditions.push(scope.sql(Rule::Searchable, VIDEO, &mut |v| params.bind(v)));
            conditions.push(scope.sql(Rule::Moment, MOMENT, &mut |v| params.bind(v)));
            if let Some(c) = creator {
                conditions.push(format!("v.creator_id = {c}"));
            }
            if let Some(c) = category {
                conditions.push(format!("lower(m.topic_category) = lower({c})"));
            }
            format!(
                "SELECT 'KEY_MOMENT'::text AS kind, m.id, {} FROM key_moments m \
                 JOIN source_videos v ON v.id = m.source_video_id, q",
                rank("m")
            )
        }
        SearchType::Creator => {
            if category.is_some() {
                return None;
            }
            conditions.push(matches("c"));
            if let Some(c) = creator {
                conditions.push(format!("c.id = {c}"));
            }
            format!(
                "SELECT 'CREATOR'::text AS kind, c.id, {} FROM creators c, q",
                rank("c")
            )
        }
        SearchType::Transcript => {
            if category.is_some() {
                return None;
            }
            conditions.push(matches("s"));
            conditions.push(scope.sql(Rule::Searchable, VIDEO, &mut |v| params.bind(v)));
            if let Some(c) = creator {
                conditions.push(format!("v.creator_id = {c}"));
            }
            format!(
                "SELECT 'TRANSCRIPT'::text AS kind, s.id, {} FROM transcript_segments s \
                 JOIN source_videos v ON v.id = s.source_video_id, q",
                rank("s")
            )
        }
    };
    Some(format!("{from} WHERE {}", conditions.join(" AND ")))
}

impl HitRow {
    fn into_hit(self) -> Option<Hit> {
        let (kind, title_field, text_field) = match self.kind.as_str() {
            "TECHNIQUE_PAGE" => (SearchType::TechniquePage, Some("title"), "summary"),
            "KEY_MOMENT" => (SearchType::KeyMoment, Some("title"), "summary"),
            "CREATOR" => (SearchType::Creator, Some("name"), "bio"),
            "TRANSCRIPT" => (SearchType::Transcript, None, "text"),
            _ => return None,
        };
        let mut snippets = Vec::with_capacity(2);
        if let Some(field) = title_field {
            snippets.push(Snippet::parse(field, &self.title_hl));
        }
        snippets.push(Snippet::parse(text_field, &self.text_hl));
        Some(Hit {
            kind,
            id: self.id,
            rank: f64::from(self.rank),
            snippets,
        })
    }
}

/// What a search's cached pages depend on: who asks (as far as visibility goes) and what.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SearchKey {
    scope: (bool, Option<Uuid>),
    tsquery: String,
    types: Vec<SearchType>,
    creator: Option<Uuid>,
    topic_category: Option<String>,
}

impl SearchKey {
    fn new(scope: &Scope, search: &Search) -> Self {
        Self {
            scope: scope.key(),
            tsquery: search.text.tsquery.clone(),
            types: search.types.clone(),
            creator: search.creator,
            topic_category: search.topic_category.as_deref().map(str::to_lowercase),
        }
    }
}

/// What a cached result depends on: the search and which page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    search: SearchKey,
    window: Window,
}

/// Recent results of identical searches, kept for a short time: popular queries are asked over
/// and over, and ranking every match is the expensive part of a search. Entries are per
/// visibility scope (the public, each creator's curators, admins). The results' nodes are still
/// loaded fresh through the visibility-checked loaders, and when one of them is gone (hidden or
/// deleted since) the caller forgets the search's entries and runs it again ([`rerun`]), so the
/// count never counts what the viewer no longer gets. A page ranked before the last change of
/// consent, revocation, review or chapter status (the database's `visibility_generation`, read
/// once per search) is not served either, so what is shown again is found again at once. Each
/// replica keeps its own.
pub(crate) struct SearchCache {
    ttl: Duration,
    entries: Mutex<LruCache<CacheKey, Entry>>,
}

/// A cached page: when it was ranked, at which visibility generation, and the results.
struct Entry {
    at: Instant,
    generation: i64,
    results: Arc<Results>,
}

#[derive(FromQueryResult)]
struct Generation {
    generation: i64,
}

/// The visibility generation (`visibility_generation`, bumped by every change of consent,
/// revocation, review or chapter status): a cached page of an older one may show what is hidden
/// now, or miss what is shown again.
/// Read once per search and passed to [`run_cached`] and [`rerun`]; 0 without a read when the
/// cache is off.
pub(crate) async fn generation(
    db: &impl ConnectionTrait,
    cache: &SearchCache,
) -> ServiceResult<i64> {
    if !cache.enabled() {
        return Ok(0);
    }
    Ok(Generation::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT generation FROM visibility_generation",
    ))
    .one(db)
    .await?
    .map_or(0, |g| g.generation))
}

impl SearchCache {
    /// A cache of at most `capacity` result pages, each kept `ttl`; a zero `ttl` or `capacity`
    /// turns caching off.
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Self {
        let capacity = NonZeroUsize::new(capacity).filter(|_| !ttl.is_zero());
        Self {
            ttl: if capacity.is_some() {
                ttl
            } else {
                Duration::ZERO
            },
            entries: Mutex::new(LruCache::new(capacity.unwrap_or(NonZeroUsize::MIN))),
        }
    }

    /// Whether the cache is on.
    fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    fn get(&self, key: &CacheKey, generation: i64) -> Option<Arc<Results>> {
        if !self.enabled() {
            return None;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(key) {
            Some(e) if e.at.elapsed() < self.ttl && e.generation == generation => {
                Some(e.results.clone())
            }
            Some(_) => {
                entries.pop(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: CacheKey, generation: i64, results: Arc<Results>) {
        if !self.enabled() {
            return;
        }
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).put(
            key,
            Entry {
                at: Instant::now(),
                generation,
                results,
            },
        );
    }

    /// Forgets every cached page of `search` (all windows): when one page is stale, the totals
    /// the others carry are too.
    fn forget(&self, search: &SearchKey) {
        if !self.enabled() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let stale: Vec<CacheKey> = entries
            .iter()
            .filter(|(key, _)| key.search == *search)
            .map(|(key, _)| key.clone())
            .collect();
        for key in stale {
            entries.pop(&key);
        }
    }
}

impl std::fmt::Debug for SearchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// Results of a search and where they come from.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    /// The rows of the window (plus one when more follow) and the total.
    pub results: Arc<Results>,
    /// Whether they come from the cache (and may be up to one time-to-live old).
    pub cached: bool,
}

/// [`run`] through `cache`: an identical search by the same scope within the time-to-live
/// answers from memory.
pub(crate) async fn run_cached(
    db: &impl ConnectionTrait,
    cache: &SearchCache,
    scope: &Scope,
    search: &Search,
    window: Window,
    generation: i64,
) -> ServiceResult<Answer> {
    let key = CacheKey {
        search: SearchKey::new(scope, search),
        window,
    };
    if let Some(results) = cache.get(&key, generation) {
        return Ok(Answer {
            results,
            cached: true,
        });
    }
    run_and_cache(db, cache, scope, search, key, generation).await
}

/// Ranks `key`'s search afresh and caches the results under `key`.
async fn run_and_cache(
    db: &impl ConnectionTrait,
    cache: &SearchCache,
    scope: &Scope,
    search: &Search,
    key: CacheKey,
    generation: i64,
) -> ServiceResult<Answer> {
    let results = Arc::new(run(db, scope, search, key.window).await?);
    cache.put(key, generation, results.clone());
    Ok(Answer {
        results,
        cached: false,
    })
}

/// Runs `search` afresh after a cached answer turned out stale (one of its results is no longer
/// visible): forgets every cached page of it for `scope` and caches the new results.
pub(crate) async fn rerun(
    db: &impl ConnectionTrait,
    cache: &SearchCache,
    scope: &Scope,
    search: &Search,
    window: Window,
    generation: i64,
) -> ServiceResult<Answer> {
    let search_key = SearchKey::new(scope, search);
    cache.forget(&search_key);
    let key = CacheKey {
        search: search_key,
        window,
    };
    run_and_cache(db, cache, scope, search, key, generation).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_prefix_matched_word_conjunctions() {
        let q = parse_query("  Reese   BASS, side-chain comp ").expect("valid");
        assert_eq!(q.tsquery, "'reese' & 'bass' & 'side' & 'chain' & 'comp':*");
        assert_eq!(q.normalized, "reese bass, side-chain comp");
        let q = parse_query("o'neil \\ ' & | ! :* déjà").expect("valid");
        assert_eq!(q.tsquery, "'o' & 'neil' & 'déjà':*");
    }

    #[test]
    fn rejects_queries_without_words_or_too_long() {
        for bad in ["", "   ", "&&! ::*", &"a ".repeat(17), &"x".repeat(201)] {
            let err = parse_query(bad).expect_err(bad);
            assert!(
                matches!(err, ServiceError::Invalid { ref argument, .. } if argument == "query"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn a_stale_search_is_forgotten_on_every_page_of_its_scope_only() {
        let cache = SearchCache::new(10, Duration::from_secs(60));
        let search = |q: &str| Search::new(q, None, &SearchFilter::default()).expect("valid");
        let public = Scope::of(&crate::services::permissions::Viewer::Anonymous);
        let admin = Scope::of(&crate::services::permissions::Viewer::User(
            crate::services::permissions::ViewerUser {
                id: Uuid::new_v4(),
                role: entity::sea_orm_active_enums::UserRole::Admin,
                creator_id: None,
            },
        ));
        let key = |scope: &Scope, q: &str, offset| CacheKey {
            search: SearchKey::new(scope, &search(q)),
            window: Window { offset, limit: 20 },
        };
        let keys = [
            key(&public, "bass", 0),
            key(&public, "bass", 20),
            key(&admin, "bass", 0),
            key(&public, "drums", 0),
        ];
        for k in &keys {
            cache.put(k.clone(), 7, Arc::new(Results::default()));
        }
        cache.forget(&SearchKey::new(&public, &search("bass")));
        let kept: Vec<bool> = keys.iter().map(|k| cache.get(k, 7).is_some()).collect();
        assert_eq!(kept, [false, false, true, true]);
    }

    #[test]
    fn a_page_of_another_visibility_generation_is_not_served() {
        let cache = SearchCache::new(10, Duration::from_secs(60));
        let key = CacheKey {
            search: SearchKey::new(
                &Scope::of(&crate::services::permissions::Viewer::Anonymous),
                &Search::new("bass", None, &SearchFilter::default()).expect("valid"),
            ),
            window: Window {
                offset: 0,
                limit: 20,
            },
        };
        cache.put(key.clone(), 3, Arc::new(Results::default()));
        assert!(cache.get(&key, 3).is_some());
        assert!(cache.get(&key, 4).is_none());
        assert!(cache.get(&key, 3).is_none(), "the stale page was dropped");
    }

    #[test]
    fn snippets_split_into_text_and_utf16_ranges() {
        let s = Snippet::parse(
            "summary",
            "Déjà \u{E000}vu\u{E001} and 🎛 \u{E000}bass\u{E001}",
        );
        assert_eq!(s.text, "Déjà vu and 🎛 bass");
        assert_eq!(s.highlights, vec![(5, 2), (15, 4)]);
        let s = Snippet::parse("title", "no match here");
        assert!(s.highlights.is_empty());
    }
}
