//! The authorization matrix's rows for the content report mutations and reads of issue 14.

use super::{
    Err, FORBID, Row, UNAUTH, admin_only, anyone_with_valid_credentials, curators_of_alpha,
};

/// This domain's rows.
pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "reportContent",
            query: "mutation { reportContent(input: { targetId: \"{page2}\", reportType: OTHER, description: \"by {actor}\" }) { report { status } } }",
            path: "reportContent",
            expect: anyone_with_valid_credentials(),
        },
        Row {
            name: "acknowledgeReport",
            query: "mutation { acknowledgeReport(id: \"{report}\") { report { status } } }",
            path: "acknowledgeReport",
            expect: admin_only(),
        },
        Row {
            name: "resolveReport",
            query: "mutation { resolveReport(id: \"{report}\", notes: \"{actor}\") { report { status } } }",
            path: "resolveReport",
            expect: admin_only(),
        },
        Row {
            name: "dismissReport",
            query: "mutation { dismissReport(id: \"{report}\") { report { status } } }",
            path: "dismissReport",
            expect: admin_only(),
        },
        Row {
            name: "reopenReport",
            query: "mutation { reopenReport(id: \"{report}\") { report { status } } }",
            path: "reopenReport",
            // The report is open: the admin passes the gate and meets the workflow.
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
            name: "contentReportCounts",
            query: "{ contentReportCounts { open } }",
            path: "contentReportCounts",
            expect: admin_only(),
        },
        Row {
            name: "Creator.contentReports",
            query: "{ creator(slug: \"alpha\") { contentReports(first: 5) { totalCount } } }",
            path: "creator",
            expect: curators_of_alpha(),
        },
    ]
}
