//! The authorization matrix's rows for the creator profile mutations of issue 13.

use super::{Err, FORBID, Ok, Row, UNAUTH, admin_only, curators_of_alpha};

/// This domain's rows.
pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "createCreator",
            query: "mutation { createCreator(input: { name: \"New {actor}\" }) { creator { slug } } }",
            path: "createCreator",
            expect: admin_only(),
        },
        Row {
            name: "updateCreator (a curator's fields)",
            query: "mutation { updateCreator(id: \"{alpha}\", input: { bio: \"by {actor}\" }) { creator { bio } } }",
            path: "updateCreator",
            expect: curators_of_alpha(),
        },
        Row {
            name: "updateCreator (an admin's field)",
            query: "mutation { updateCreator(id: \"{alpha}\", input: { featured: true }) { creator { featured } } }",
            path: "updateCreator",
            expect: [
                Err(UNAUTH),
                Err(FORBID),
                Err(FORBID),
                Ok,
                Err(UNAUTH),
                Err(UNAUTH),
            ],
        },
        Row {
            name: "deleteCreator",
            query: "mutation { deleteCreator(id: \"{beta}\", cascade: true) { deletedId } }",
            path: "deleteCreator",
            expect: admin_only(),
        },
    ]
}
