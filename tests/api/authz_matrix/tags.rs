//! The authorization matrix's rows for the tag mutations of issue 13.

use super::{Row, admin_only, curators_of_alpha};

/// This domain's rows.
pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "setTechniquePageTags",
            query: "mutation { setTechniquePageTags(pageId: \"{page}\", names: [\"by {actor}\"]) { techniquePage { id } } }",
            path: "setTechniquePageTags",
            expect: curators_of_alpha(),
        },
        Row {
            name: "addTechniquePageTags",
            query: "mutation { addTechniquePageTags(pageId: \"{page}\", names: [\"by {actor}\"]) { techniquePage { id } } }",
            path: "addTechniquePageTags",
            expect: curators_of_alpha(),
        },
        Row {
            name: "removeTechniquePageTags",
            query: "mutation { removeTechniquePageTags(pageId: \"{page}\", names: [\"matrix tag\"]) { techniquePage { id } } }",
            path: "removeTechniquePageTags",
            expect: curators_of_alpha(),
        },
        Row {
            name: "renameTag",
            query: "mutation { renameTag(id: \"{tag}\", name: \"by {actor}\") { tag { name } } }",
            path: "renameTag",
            expect: admin_only(),
        },
        Row {
            name: "mergeTags",
            query: "mutation { mergeTags(from: [\"{tag2}\"], into: \"{tag}\") { tag { name } } }",
            path: "mergeTags",
            expect: admin_only(),
        },
    ]
}
