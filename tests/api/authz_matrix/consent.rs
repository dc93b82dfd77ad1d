//! The authorization matrix's rows for the consent mutations and reads of issue 14.

use super::{Err, FORBID, Row, UNAUTH, admin_only, curators_of_alpha};

/// This domain's rows.
pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "setVideoConsent",
            query: "mutation { setVideoConsent(videoId: \"{video}\", input: { trainingUsage: true }) { consent { trainingUsage } } }",
            path: "setVideoConsent",
            expect: curators_of_alpha(),
        },
        Row {
            name: "revokeVideo",
            query: "mutation { revokeVideo(videoId: \"{video}\", reason: \"by {actor}\") { sourceVideo { processingStatus } } }",
            path: "revokeVideo",
            expect: curators_of_alpha(),
        },
        Row {
            name: "restoreVideo",
            query: "mutation { restoreVideo(videoId: \"{video}\", reason: \"by {actor}\") { sourceVideo { processingStatus } } }",
            path: "restoreVideo",
            // The video is not revoked: the admin passes the gate and is told so.
            expect: [
                Err(UNAUTH),
                Err(FORBID),
                Err(FORBID),
                Err("BAD_USER_INPUT"),
                Err(UNAUTH),
                Err(UNAUTH),
            ],
        },
        Row {
            name: "consentAt",
            query: "{ consentAt(videoId: \"{video}\", at: \"2030-01-01T00:00:00Z\") { publicDisplay } }",
            path: "consentAt",
            expect: curators_of_alpha(),
        },
        Row {
            name: "consentChanges",
            query: "{ consentChanges(first: 5) { totalCount } }",
            path: "consentChanges",
            expect: admin_only(),
        },
        Row {
            name: "sourceVideos(filter: { trainingUsage })",
            query: "{ sourceVideos(first: 5, filter: { trainingUsage: true }) { totalCount } }",
            path: "sourceVideos",
            expect: admin_only(),
        },
    ]
}
