//! Relay connections: arguments, opaque cursors and page windows.
//!
//! Cursors are positions in the connection's stable order (`base64url("pb1:<offset>")`); a page is a
//! [`Window`] of that order, fetched with one extra row to learn whether more follow. Nested
//! connections apply the same window to every parent inside SQL: one statement per distinct
//! window, running each parent's window laterally (`loaders::windowed`).
//! `docs/decisions/0004-pagination.md` explains the choice.
//!
//! The four Relay arguments and their descriptions are declared once, in
//! [`object_with_connections!`]: an `#[Object]` impl written through it declares a connection
//! field as `async fn name(&self, ctx: &Context<'_>, args: PageArgs) -> ..` in a `connections`
//! section and receives the validated [`PageArgs`].

use async_graphql::{Context, connection::PageInfo};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::{ServiceError, ServiceResult};

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest `first` or `last` a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

const CURSOR_PREFIX: &str = "pb1:";

/// The page slice services read (a domain value, so it lives in the domain core).
pub use crate::services::window::Window;

/// Connection arguments as the client sent them, for a field that checks something (a permission)
/// before it looks at them; [`RawPageArgs::validate`] turns them into [`PageArgs`].
#[derive(Clone, Debug)]
pub(crate) struct RawPageArgs {
    after: Option<String>,
    before: Option<String>,
    first: Option<i32>,
    last: Option<i32>,
}

impl RawPageArgs {
    /// Keeps the arguments unchecked (the `ServiceResult` matches [`PageArgs::new`] for
    /// `object_with_connections!`).
    #[expect(
        clippy::unnecessary_wraps,
        reason = "same signature as PageArgs::new, which the macro calls alike"
    )]
    pub(crate) fn new(
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> ServiceResult<Self> {
        Ok(Self {
            after,
            before,
            first,
            last,
        })
    }

    /// Validates the arguments, see [`PageArgs::new`].
    pub(crate) fn validate(self) -> ServiceResult<PageArgs> {
        PageArgs::new(self.after, self.before, self.first, self.last)
    }
}

/// Validated connection arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageArgs {
    after: Option<u64>,
    before: Option<u64>,
    first: Option<u64>,
    last: Option<u64>,
}

impl PageArgs {
    /// Validates `first/after/last/before`; errors name the argument at fault.
    pub fn new(
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> ServiceResult<Self> {
        Ok(Self {
            after: after
                .as_deref()
                .map(|c| decode_cursor(c, "after"))
                .transpose()?,
            before: before
                .as_deref()
                .map(|c| decode_cursor(c, "before"))
                .transpose()?,
            first: first.map(|n| page_size(n, "first")).transpose()?,
            last: last.map(|n| page_size(n, "last")).transpose()?,
        })
    }

    /// Whether the window depends on the total count (`last` without `before`).
    pub fn needs_total(&self) -> bool {
        self.last.is_some() && self.before.is_none()
    }

    /// The window these arguments select; `total` is required when [`Self::needs_total`].
    pub fn window(&self, total: Option<u64>) -> Window {
        let mut start = self.after.map_or(0, |a| a + 1);
        let mut end = match (self.before, total) {
            (Some(b), Some(t)) => Some(b.min(t)),
            (Some(b), None) => Some(b),
            (None, t) => t,
        };
        if let Some(first) = self.first {
            end = Some(end.map_or(start + first, |e| e.min(start + first)));
        }
        if let Some(last) = self.last {
            let e = end.unwrap_or(start);
            start = start.max(e.saturating_sub(last));
        }
        if self.first.is_none() && self.last.is_none() {
            end = Some(end.map_or(start + DEFAULT_PAGE_SIZE, |e| {
                e.min(start + DEFAULT_PAGE_SIZE)
            }));
        }
        let end = end.unwrap_or(start).max(start);
        Window {
            offset: start,
            limit: end - start,
        }
    }
}

fn page_size(n: i32, argument: &str) -> ServiceResult<u64> {
    match u64::try_from(n) {
        Ok(n) if n <= MAX_PAGE_SIZE => Ok(n),
        _ => Err(ServiceError::invalid(
            argument,
            format!("`{argument}` must be between 0 and {MAX_PAGE_SIZE}, got {n}"),
        )),
    }
}

/// The cursor of the row at `offset`.
pub fn encode_cursor(offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{offset}"))
}

fn decode_cursor(cursor: &str, argument: &str) -> ServiceResult<u64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX)?.parse().ok())
        .ok_or_else(|| ServiceError::invalid(argument, format!("`{cursor}` is not a valid cursor")))
}

/// One page of a connection: the rows with their cursors, page info and (when asked) the total.
pub struct Page<N> {
    /// The rows with their cursors.
    pub edges: Vec<(String, N)>,
    /// Whether rows exist before and after the page, and the boundary cursors.
    pub page_info: PageInfo,
    /// The connection's total size, computed only when `totalCount` is selected.
    pub total_count: Option<u64>,
}

impl<N> Page<N> {
    /// `totalCount`, which the resolver computed because the client selected it.
    pub fn total(&self) -> async_graphql::Result<i64> {
        self.total_count
            .and_then(|n| i64::try_from(n).ok())
            .ok_or_else(|| async_graphql::Error::new("totalCount was not computed"))
    }
}

/// Whether the client selected `totalCount` on the connection being resolved.
pub fn wants_total(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// Builds a page from the rows fetched for `window` (at most `window.fetch()` of them).
pub fn connection<T, N>(
    window: Window,
    mut rows: Vec<T>,
    total: Option<u64>,
    node: impl Fn(T) -> N,
) -> Page<N> {
    let limit = usize::try_from(window.limit).unwrap_or(usize::MAX);
    let has_next_page = rows.len() > limit;
    rows.truncate(limit);
    let edges: Vec<(String, N)> = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| (encode_cursor(window.offset + i as u64), node(row)))
        .collect();
    Page {
        page_info: PageInfo {
            has_previous_page: window.offset > 0,
            has_next_page,
            start_cursor: edges.first().map(|(c, _)| c.clone()),
            end_cursor: edges.last().map(|(c, _)| c.clone()),
        },
        edges,
        total_count: total,
    }
}

/// An `#[Object]` impl whose connection fields get the four Relay arguments (`after`, `before`,
/// `first`, `last`, with their descriptions) declared here once. The impl's body is a sequence of
/// sections, in field order: `fields { .. }` holds ordinary items as written; `connections { .. }`
/// holds connection fields written `async fn name(&self, ctx: &Context<'_>, args: PageArgs, ..) ->
/// Ret { .. }`, which become fields taking the parameters after `args` (filters, orderings, as
/// written, attributes included) and then the four arguments, their body run with `args`
/// validated (an invalid argument is a `BAD_USER_INPUT` error naming it). A field that must check
/// something first (a permission) takes `args: RawPageArgs` instead and validates it itself.
///
/// (async-graphql 7 cannot flatten a struct into field arguments, and an attribute macro such as
/// `#[Object]` sees a macro call inside its impl unexpanded, so the whole impl goes through here.)
macro_rules! object_with_connections {
    ($(#[$attr:meta])* impl $ty:ident { $($sections:tt)* }) => {
        $crate::pagination::object_with_connections!(@acc [$(#[$attr])*] $ty [] $($sections)*);
    };
    (@acc [$($attr:tt)*] $ty:ident [$($out:tt)*]) => {
        $($attr)*
        #[async_graphql::Object]
        impl $ty {
            $($out)*
        }
    };
    (@acc [$($attr:tt)*] $ty:ident [$($out:tt)*] fields { $($items:tt)* } $($rest:tt)*) => {
        $crate::pagination::object_with_connections!(
            @acc [$($attr)*] $ty [$($out)* $($items)*] $($rest)*
        );
    };
    (@acc [$($attr:tt)*] $ty:ident [$($out:tt)*] connections { $(
        $(#[$fattr:meta])*
        async fn $name:ident(
            &$self:ident,
            $ctx:ident: &Context<'_>,
            $args:ident: $argty:ident
            $(, $(#[$pattr:meta])* $param:ident: $pty:ty)* $(,)?
        ) -> $ret:ty
        $body:block
    )* } $($rest:tt)*) => {
        $crate::pagination::object_with_connections!(@acc [$($attr)*] $ty [$($out)* $(
            $(#[$fattr])*
            async fn $name(
                &$self,
                $ctx: &async_graphql::Context<'_>,
                $($(#[$pattr])* $param: $pty,)*
                #[graphql(desc = "Cursor: return items after this one.")] after: Option<String>,
                #[graphql(desc = "Cursor: return items before this one.")] before: Option<String>,
                #[graphql(desc = "Page size from the start (0–100).")] first: Option<i32>,
                #[graphql(desc = "Page size from the end (0–100).")] last: Option<i32>,
            ) -> $ret {
                let $args = $crate::pagination::$argty::new(after, before, first, last)?;
                $body
            }
        )*] $($rest)*);
    };
}
pub(crate) use object_with_connections;

/// Declares `$conn` and `$edge`, the Relay connection and edge types over `$node`, with
/// descriptions (async-graphql's generic connection types have none).
#[macro_export]
macro_rules! connection_type {
    ($conn:ident, $edge:ident, $node:ty, $conn_doc:literal, $edge_doc:literal) => {
        #[doc = $conn_doc]
        pub(crate) struct $conn(pub(crate) $crate::pagination::Page<$node>);

        #[doc = $conn_doc]
        #[async_graphql::Object]
        impl $conn {
            /// The rows of this page, each with its cursor.
            async fn edges(&self) -> Vec<$edge<'_>> {
                self.0
                    .edges
                    .iter()
                    .map(|(cursor, node)| $edge { cursor, node })
                    .collect()
            }

            /// The rows of this page, without cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.0.edges.iter().map(|(_, node)| node).collect()
            }

            /// Whether more rows exist before or after this page, and the cursors to get them.
            async fn page_info(&self) -> &async_graphql::connection::PageInfo {
                &self.0.page_info
            }

            /// How many rows the whole connection holds, across all pages.
            async fn total_count(&self) -> async_graphql::Result<i64> {
                self.0.total()
            }
        }

        #[doc = $edge_doc]
        pub(crate) struct $edge<'a> {
            cursor: &'a str,
            node: &'a $node,
        }

        #[doc = $edge_doc]
        #[async_graphql::Object]
        impl $edge<'_> {
            /// Opaque cursor of this row, for `after` / `before`.
            async fn cursor(&self) -> &str {
                self.cursor
            }

            /// The row.
            async fn node(&self) -> &$node {
                self.node
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(
        after: Option<u64>,
        before: Option<u64>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> PageArgs {
        PageArgs::new(
            after.map(encode_cursor),
            before.map(encode_cursor),
            first,
            last,
        )
        .expect("valid arguments")
    }

    #[test]
    fn windows_follow_the_relay_algorithm() {
        assert_eq!(
            args(None, None, Some(10), None).window(None),
            Window {
                offset: 0,
                limit: 10
            }
        );
        assert_eq!(
            args(Some(9), None, Some(10), None).window(None),
            Window {
                offset: 10,
                limit: 10
            }
        );
        assert_eq!(
            args(None, None, None, Some(5)).window(Some(42)),
            Window {
                offset: 37,
                limit: 5
            }
        );
        assert_eq!(
            args(None, Some(3), None, Some(5)).window(None),
            Window {
                offset: 0,
                limit: 3
            }
        );
        assert_eq!(
            args(Some(1), Some(5), None, None).window(None),
            Window {
                offset: 2,
                limit: 3
            }
        );
        assert_eq!(
            args(None, None, None, None).window(None),
            Window {
                offset: 0,
                limit: DEFAULT_PAGE_SIZE
            }
        );
        assert!(args(None, None, None, Some(1)).needs_total());
    }

    #[test]
    fn rejects_bad_sizes_and_cursors() {
        assert!(PageArgs::new(None, None, Some(-1), None).is_err());
        assert!(PageArgs::new(None, None, Some(101), None).is_err());
        assert!(PageArgs::new(Some("nope".into()), None, None, None).is_err());
        assert!(PageArgs::new(None, Some(URL_SAFE_NO_PAD.encode("pb1:x")), None, None).is_err());
    }
}
