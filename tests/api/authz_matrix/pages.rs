//! The authorization matrix's rows for the technique page mutations and fields of issue 13.

use super::{
    Err, FORBID, Ok, Row, UNAUTH, admin_only, anyone_with_valid_credentials, curators_of_alpha,
};

/// This domain's rows.
pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "updateTechniquePage",
            query: "mutation { updateTechniquePage(id: \"{page}\", expectedVersion: {pageVersion}, input: { summary: \"by {actor}\" }) { techniquePage { summary } } }",
            path: "updateTechniquePage",
            expect: curators_of_alpha(),
        },
        Row {
            name: "restoreTechniquePageVersion",
            query: "mutation { restoreTechniquePageVersion(versionId: \"{pageVersionId}\", expectedVersion: {pageVersion}) { techniquePage { version } } }",
            path: "restoreTechniquePageVersion",
            expect: curators_of_alpha(),
        },
        Row {
            name: "TechniquePage.diff",
            query: "{ techniquePage(slug: \"alpha-page\") { diff(from: 1, to: 1) { from } } }",
            path: "techniquePage",
            expect: curators_of_alpha(),
        },
        Row {
            name: "recordTechniquePageView",
            query: "mutation { recordTechniquePageView(id: \"{page}\") { techniquePage { id } } }",
            path: "recordTechniquePageView",
            expect: anyone_with_valid_credentials(),
        },
        Row {
            name: "deleteTechniquePage",
            query: "mutation { deleteTechniquePage(id: \"{page2}\") { deletedId } }",
            path: "deleteTechniquePage",
            expect: admin_only(),
        },
        Row {
            name: "linkTechniquePages",
            query: "mutation { linkTechniquePages(input: { sourceId: \"{page}\", targetId: \"{page2}\", label: \"{actor}\" }) { link { label } } }",
            path: "linkTechniquePages",
            // The owner's link exists when the admin's turn comes: the admin passes the gate and
            // meets the duplicate.
            expect: [
                Err(UNAUTH),
                Ok,
                Err(FORBID),
                Err("CONFLICT"),
                Err(UNAUTH),
                Err(UNAUTH),
            ],
        },
        Row {
            name: "unlinkTechniquePages",
            query: "mutation { unlinkTechniquePages(input: { sourceId: \"{page}\", targetId: \"{page2}\" }) { removedCount } }",
            path: "unlinkTechniquePages",
            expect: curators_of_alpha(),
        },
        Row {
            name: "attachSourceVideo",
            query: "mutation { attachSourceVideo(pageId: \"{page2}\", videoId: \"{video}\") { techniquePage { id } } }",
            path: "attachSourceVideo",
            expect: curators_of_alpha(),
        },
        Row {
            name: "detachSourceVideo",
            query: "mutation { detachSourceVideo(pageId: \"{page}\", videoId: \"{video}\") { techniquePage { id } } }",
            path: "detachSourceVideo",
            expect: curators_of_alpha(),
        },
    ]
}
