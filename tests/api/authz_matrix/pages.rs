//! The authorization matrix's rows for the technique page mutations and fields of issue 13.

use super::{Row, curators_of_alpha};

/// This domain's rows.
pub(super) fn rows() -> Vec<Row> {
    vec![Row {
        name: "updateTechniquePage",
        query: "mutation { updateTechniquePage(id: \"{page}\", expectedVersion: {pageVersion}, input: { summary: \"by {actor}\" }) { techniquePage { summary } } }",
        path: "updateTechniquePage",
        expect: curators_of_alpha(),
    }]
}
