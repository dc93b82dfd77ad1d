//! The authorization matrix: every mutation and every root field or type field that needs a right
//! (`services::permissions::Permission`), run as each kind of viewer, with the exact outcome of
//! every cell. Signed out is `UNAUTHENTICATED` everywhere, admin lists included; signed in
//! without the right is `FORBIDDEN`; fields hidden rather than refused are `null`. The account
//! rows are here; each domain's rows are in its own file (`pages`, `tags`, `moments`,
//! `creators`), joined in `rows()`.
//!
//! Each row runs in a fresh database with the same cast (see [`Cast`]); the viewers run in
//! [`ACTORS`] order, so a refused attempt can never hide a change made by an earlier cell.

use entity::sea_orm_active_enums::UserRole;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use support::{TestDb, accounts::PASSWORD, error_code, fixtures};

/// Who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    Anonymous,
    /// A creator user linked to the target creator (Alpha).
    Owner,
    /// A creator user linked to another creator (Beta).
    OtherCreator,
    Admin,
    /// A valid token of a user who was deactivated after it was issued.
    Deactivated,
    /// An expired token of the admin.
    Expired,
}

const ACTORS: [Actor; 6] = [
    Actor::Anonymous,
    Actor::Deactivated,
    Actor::Expired,
    Actor::OtherCreator,
    Actor::Owner,
    Actor::Admin,
];

/// The outcome of one cell.
#[derive(Clone, Debug)]
enum Expect {
    /// No errors; `data` at the row's path equals this value.
    Data(Value),
    /// No errors and non-null data at the row's path.
    Ok,
    /// The first error has this `extensions.code` and nothing was returned at the path.
    Err(&'static str),
}

use Expect::{Data, Err, Ok};

mod consent;
mod creators;
mod moments;
mod pages;
mod reports;
mod tags;

/// Shorthand for the common shapes, in the order anonymous, owner, other creator, admin,
/// deactivated, expired.
struct Row {
    name: &'static str,
    /// The document; `{actor}` is replaced by a per-viewer word, `{password}` by the cast's
    /// password, `{alpha}`, `{beta}`, `{fan}`, `{code}`, `{page}`, `{page2}`, `{betaPage}`,
    /// `{video}`, `{moment}`, `{moment2}`, `{tag}`, `{tag2}`, `{pageVersionId}`, `{report}` by global IDs (see
    /// [`Cast`]), and
    /// `{pageVersion}` by the current `version` of `{page}`, read before each cell.
    query: &'static str,
    /// Where the result sits in `data`.
    path: &'static str,
    expect: [Expect; 6],
}

const UNAUTH: &str = "UNAUTHENTICATED";
const FORBID: &str = "FORBIDDEN";

fn signed_in_only() -> [Expect; 6] {
    [Err(UNAUTH), Ok, Ok, Ok, Err(UNAUTH), Err(UNAUTH)]
}

fn admin_only() -> [Expect; 6] {
    [
        Err(UNAUTH),
        Err(FORBID),
        Err(FORBID),
        Ok,
        Err(UNAUTH),
        Err(UNAUTH),
    ]
}

/// Alpha's curators: the owner and admins.
fn curators_of_alpha() -> [Expect; 6] {
    [Err(UNAUTH), Ok, Err(FORBID), Ok, Err(UNAUTH), Err(UNAUTH)]
}

fn anyone_with_valid_credentials() -> [Expect; 6] {
    [Ok, Ok, Ok, Ok, Err(UNAUTH), Err(UNAUTH)]
}

fn rows() -> Vec<Row> {
    let mut rows = account_rows();
    rows.extend(pages::rows());
    rows.extend(tags::rows());
    rows.extend(moments::rows());
    rows.extend(creators::rows());
    rows.extend(consent::rows());
    rows.extend(reports::rows());
    rows
}

fn account_rows() -> Vec<Row> {
    vec![
        Row {
            name: "register",
            query: "mutation { register(input: { email: \"{actor}@new.test\", password: \"a long enough password\", displayName: \"N\", inviteCode: \"MATRIX-CODE\" }) { token } }",
            path: "register",
            expect: anyone_with_valid_credentials(),
        },
        Row {
            name: "login",
            query: "mutation { login(email: \"fan@m.test\", password: \"{password}\") { token } }",
            path: "login",
            expect: anyone_with_valid_credentials(),
        },
        Row {
            name: "changePassword",
            query: "mutation { changePassword(currentPassword: \"{password}\", newPassword: \"a different password\") { token } }",
            path: "changePassword",
            expect: signed_in_only(),
        },
        Row {
            name: "updateProfile",
            query: "mutation { updateProfile(displayName: \"{actor}\") { displayName } }",
            path: "updateProfile",
            expect: signed_in_only(),
        },
        Row {
            name: "completeOnboarding",
            query: "mutation { completeOnboarding { onboardingCompleted } }",
            path: "completeOnboarding",
            expect: signed_in_only(),
        },
        Row {
            name: "updateNotificationPreferences",
            query: "mutation { updateNotificationPreferences(input: { digestEnabled: false }) { id } }",
            path: "updateNotificationPreferences",
            expect: signed_in_only(),
        },
        Row {
            name: "followCreator",
            query: "mutation { followCreator(creatorId: \"{alpha}\") { viewerFollows } }",
            path: "followCreator",
            expect: [
                Err(UNAUTH),
                Data(json!({ "viewerFollows": true })),
                Data(json!({ "viewerFollows": true })),
                Data(json!({ "viewerFollows": true })),
                Err(UNAUTH),
                Err(UNAUTH),
            ],
        },
        Row {
            name: "unfollowCreator",
            query: "mutation { unfollowCreator(creatorId: \"{alpha}\") { viewerFollows } }",
            path: "unfollowCreator",
            expect: signed_in_only(),
        },
        Row {
            name: "createInviteCode",
            query: "mutation { createInviteCode(input: { code: \"CODE-{actor}\", usesRemaining: 2 }) { code } }",
            path: "createInviteCode",
            expect: admin_only(),
        },
        Row {
            name: "revokeInviteCode",
            query: "mutation { revokeInviteCode(id: \"{code}\") { usesRemaining } }",
            path: "revokeInviteCode",
            expect: admin_only(),
        },
        Row {
            name: "setUserRole",
            query: "mutation { setUserRole(userId: \"{fan}\", role: ADMIN) { role } }",
            path: "setUserRole",
            expect: admin_only(),
        },
        Row {
            name: "setUserActive",
            query: "mutation { setUserActive(userId: \"{fan}\", active: true) { isActive } }",
            path: "setUserActive",
            expect: admin_only(),
        },
        Row {
            name: "linkUserToCreator",
            query: "mutation { linkUserToCreator(userId: \"{fan}\", creatorId: \"{alpha}\") { creator { name } } }",
            path: "linkUserToCreator",
            expect: admin_only(),
        },
        Row {
            name: "query users",
            query: "{ users { totalCount } }",
            path: "users",
            expect: admin_only(),
        },
        Row {
            name: "query inviteCodes",
            query: "{ inviteCodes { totalCount } }",
            path: "inviteCodes",
            expect: admin_only(),
        },
        Row {
            name: "query contentReports",
            query: "{ contentReports { totalCount } }",
            path: "contentReports",
            expect: admin_only(),
        },
        Row {
            name: "query searchLogs",
            query: "{ searchLogs { totalCount } }",
            path: "searchLogs",
            expect: admin_only(),
        },
        Row {
            name: "query emailDigestLogs",
            query: "{ emailDigestLogs { totalCount } }",
            path: "emailDigestLogs",
            expect: admin_only(),
        },
        Row {
            name: "query chatUsageLogs",
            query: "{ chatUsageLogs { totalCount } }",
            path: "chatUsageLogs",
            expect: admin_only(),
        },
        Row {
            name: "node(id:) of an invite code (hidden, not refused)",
            query: "{ node(id: \"{code}\") { id } }",
            path: "node",
            expect: [
                Data(Value::Null),
                Data(Value::Null),
                Data(Value::Null),
                Ok,
                Err(UNAUTH),
                Err(UNAUTH),
            ],
        },
        Row {
            name: "User.email of another user through node(id:) (hidden, not refused)",
            query: "{ node(id: \"{fan}\") { ... on User { email } } }",
            path: "node",
            expect: [
                Data(Value::Null),
                Data(Value::Null),
                Data(Value::Null),
                Data(json!({ "email": "fan@m.test" })),
                Err(UNAUTH),
                Err(UNAUTH),
            ],
        },
        Row {
            name: "User.email of self (me)",
            query: "{ me { email } }",
            path: "me",
            expect: [
                Data(Value::Null),
                Data(json!({ "email": "owner@m.test" })),
                Data(json!({ "email": "other@m.test" })),
                Data(json!({ "email": "admin@m.test" })),
                Err(UNAUTH),
                Err(UNAUTH),
            ],
        },
        Row {
            name: "User.email of another user (invite code's creator)",
            query: "{ inviteCodes { nodes { createdBy { email } } } }",
            path: "inviteCodes",
            expect: admin_only(),
        },
        Row {
            name: "Creator.viewerFollows",
            query: "{ creator(slug: \"alpha\") { viewerFollows } }",
            path: "creator",
            expect: [
                Data(json!({ "viewerFollows": false })),
                Data(json!({ "viewerFollows": false })),
                Data(json!({ "viewerFollows": false })),
                Data(json!({ "viewerFollows": false })),
                Err(UNAUTH),
                Err(UNAUTH),
            ],
        },
    ]
}

/// Everyone and everything a row needs, in a fresh database: creators Alpha (the owner's) and
/// Beta (the other creator's); Alpha's pages `alpha-page` (tagged `matrix tag`, sourced from
/// Alpha's public video, with a version 1) and `alpha-second`; Beta's page `beta-page`; Alpha's
/// video with two key moments; the unused tag `second tag`; an open report about `alpha-page`.
struct Cast {
    t: TestDb,
    tokens: Vec<(Actor, Option<String>)>,
    page_id: uuid::Uuid,
    ids: Vec<(&'static str, String)>,
}

async fn cast() -> Cast {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let beta = fixtures::creator(&t.db, "Beta").await;
    let hash = graph::services::auth::hash_password(PASSWORD)
        .await
        .unwrap();
    let user = |email: &'static str, role, creator| {
        let t = &t;
        let hash = hash.clone();
        async move { t.insert_user(email, role, creator, hash).await }
    };
    let owner = user("owner@m.test", UserRole::Creator, Some(alpha.id)).await;
    let other = user("other@m.test", UserRole::Creator, Some(beta.id)).await;
    let admin = user("admin@m.test", UserRole::Admin, None).await;
    let gone = user("gone@m.test", UserRole::Creator, None).await;
    let fan = user("fan@m.test", UserRole::Creator, None).await;
    let gone_token = t.token(&gone);
    let mut deactivate: entity::users::ActiveModel = gone.into();
    deactivate.is_active = Set(false);
    deactivate.update(&t.db).await.unwrap();
    let invite = t.invite("MATRIX-CODE", 10).await;
    let page = fixtures::page(&t.db, &alpha, "Page")
        .slug("alpha-page")
        .await;
    let page2 = fixtures::page(&t.db, &alpha, "Second")
        .slug("alpha-second")
        .await;
    let beta_page = fixtures::page(&t.db, &beta, "Page").slug("beta-page").await;
    let video = fixtures::video(&t.db, &alpha).await;
    fixtures::consent(&t.db, &video)
        .kb_inclusion(true)
        .public_display(true)
        .await;
    fixtures::page_source(&t.db, &page, &video).await;
    let moment = fixtures::key_moment(&t.db, &video, "First")
        .span(0.0, 10.0)
        .await;
    let moment2 = fixtures::key_moment(&t.db, &video, "Second")
        .span(10.0, 20.0)
        .await;
    let tag = fixtures::tag(&t.db, "matrix tag").await;
    fixtures::tag_page(&t.db, &page, &tag).await;
    let tag2 = fixtures::tag(&t.db, "second tag").await;
    let version = fixtures::page_version(&t.db, &page, 1).await;
    let report = fixtures::page_report(
        &t.db,
        &page,
        entity::sea_orm_active_enums::ReportType::Other,
    )
    .await;
    let tokens = vec![
        (Actor::Anonymous, None),
        (Actor::Owner, Some(t.token(&owner))),
        (Actor::OtherCreator, Some(t.token(&other))),
        (Actor::Admin, Some(t.token(&admin))),
        (Actor::Deactivated, Some(gone_token)),
        (Actor::Expired, Some(t.token_issued(&admin, 7200, 3600))),
    ];
    use graph::ids::{NodeKind, encode};
    let ids = vec![
        ("{alpha}", encode(NodeKind::Creator, alpha.id).0),
        (
            "{betaPage}",
            encode(NodeKind::TechniquePage, beta_page.id).0,
        ),
        ("{beta}", encode(NodeKind::Creator, beta.id).0),
        ("{fan}", encode(NodeKind::User, fan.id).0),
        ("{code}", encode(NodeKind::InviteCode, invite.id).0),
        ("{page2}", encode(NodeKind::TechniquePage, page2.id).0),
        ("{page}", encode(NodeKind::TechniquePage, page.id).0),
        ("{video}", encode(NodeKind::SourceVideo, video.id).0),
        ("{moment2}", encode(NodeKind::KeyMoment, moment2.id).0),
        ("{moment}", encode(NodeKind::KeyMoment, moment.id).0),
        ("{tag}", encode(NodeKind::Tag, tag.id).0),
        ("{tag2}", encode(NodeKind::Tag, tag2.id).0),
        ("{report}", encode(NodeKind::ContentReport, report.id).0),
        (
            "{pageVersionId}",
            encode(NodeKind::TechniquePageVersion, version.id).0,
        ),
    ];
    Cast {
        t,
        tokens,
        page_id: page.id,
        ids,
    }
}

/// The current `version` of the cast's page `{page}`.
async fn page_version(cast: &Cast) -> i32 {
    use sea_orm::EntityTrait;
    entity::technique_pages::Entity::find_by_id(cast.page_id)
        .one(&cast.t.db)
        .await
        .unwrap()
        .map_or(0, |p| p.version)
}

fn column(actor: Actor) -> usize {
    match actor {
        Actor::Anonymous => 0,
        Actor::Owner => 1,
        Actor::OtherCreator => 2,
        Actor::Admin => 3,
        Actor::Deactivated => 4,
        Actor::Expired => 5,
    }
}

async fn run_row(row: Row) -> Vec<String> {
    let cast = cast().await;
    let mut failures = Vec::new();
    for actor in ACTORS {
        let token = cast
            .tokens
            .iter()
            .find(|(a, _)| *a == actor)
            .and_then(|(_, t)| t.clone());
        let mut query = row
            .query
            .replace("{actor}", &format!("{actor:?}").to_lowercase())
            .replace("{password}", PASSWORD);
        if query.contains("{pageVersion}") {
            query = query.replace("{pageVersion}", &page_version(&cast).await.to_string());
        }
        for (placeholder, id) in &cast.ids {
            query = query.replace(placeholder, id);
        }
        let resp = cast
            .t
            .execute_as(token.as_deref(), &query, Value::Null)
            .await;
        let got = &resp["data"][row.path];
        let expected = &row.expect[column(actor)];
        let pass = match expected {
            Data(value) => resp["errors"].is_null() && got == value,
            Ok => resp["errors"].is_null() && !got.is_null(),
            Err(code) => error_code(&resp) == Some(code) && got.is_null(),
        };
        if !pass {
            failures.push(format!(
                "{} as {actor:?}: expected {expected:?}, got {resp}",
                row.name
            ));
        }
    }
    failures
}

#[tokio::test]
async fn every_mutation_and_restricted_field_as_every_viewer() {
    let mut failures = Vec::new();
    let results = futures::future::join_all(rows().into_iter().map(run_row)).await;
    for result in results {
        failures.extend(result);
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}
