//! The authorization matrix's rows for the key moment mutations of issue 13.

use super::{Row, curators_of_alpha};

/// This domain's rows.
pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "reviewKeyMoments",
            query: "mutation { reviewKeyMoments(ids: [\"{moment}\"], status: APPROVED) { keyMoments { id } } }",
            path: "reviewKeyMoments",
            expect: curators_of_alpha(),
        },
        Row {
            name: "updateKeyMoment",
            query: "mutation { updateKeyMoment(id: \"{moment}\", input: { title: \"by {actor}\" }) { keyMoment { title } } }",
            path: "updateKeyMoment",
            expect: curators_of_alpha(),
        },
        Row {
            name: "setChapterStatus",
            query: "mutation { setChapterStatus(ids: [\"{moment}\"], status: APPROVED) { keyMoments { id } } }",
            path: "setChapterStatus",
            expect: curators_of_alpha(),
        },
        Row {
            name: "reorderKeyMoments",
            query: "mutation { reorderKeyMoments(videoId: \"{video}\", orderedIds: [\"{moment2}\", \"{moment}\"]) { sourceVideo { id } } }",
            path: "reorderKeyMoments",
            expect: curators_of_alpha(),
        },
    ]
}
