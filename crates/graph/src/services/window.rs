//! The slice of an ordered list a read asks for: what a connection's arguments become once the
//! GraphQL layer (`crate::pagination`) has validated them.

/// A contiguous slice of a connection's order: rows `offset .. offset + limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    /// Position of the first row (0-based).
    pub offset: u64,
    /// How many rows belong to the page.
    pub limit: u64,
}

impl Window {
    /// Rows to fetch: the page and one more, which tells whether a next page exists.
    pub fn fetch(&self) -> u64 {
        self.limit + 1
    }
}
