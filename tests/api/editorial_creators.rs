//! Creator profiles (issue 13, item 8): `createCreator`, `updateCreator`, `deleteCreator`, the
//! profile's validation and normalization, who may write which field, and the delete cascade.

use entity::{
    creator_follows, creators, key_moments, posts, related_technique_links,
    sea_orm_active_enums::UserRole, source_videos, tags, technique_page_tags,
    technique_page_versions, technique_page_videos, technique_pages, transcript_segments, users,
};
use graph::ids::{NodeKind, encode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use support::{TestDb, error_code, fixtures};
use uuid::Uuid;

const CREATE: &str = "mutation($input: CreateCreatorInput!) { createCreator(input: $input) { \
    creator { id name slug genres bio avatarUrl featured socialLinks { platform url } \
    personalityProfile shortsTemplate { intro { enabled text durationSecs backgroundColor textColor } \
    outro { enabled text durationSecs backgroundColor textColor } accentColor } } } }";

const UPDATE: &str = "mutation($id: ID!, $input: UpdateCreatorInput!) { updateCreator(id: $id, input: $input) { \
    creator { id name slug genres bio avatarUrl featured socialLinks { platform url } \
    personalityProfile shortsTemplate { intro { enabled text durationSecs backgroundColor textColor } \
    outro { enabled text durationSecs backgroundColor textColor } accentColor } } } }";

const DELETE: &str = "mutation($id: ID!, $cascade: Boolean) { deleteCreator(id: $id, cascade: $cascade) { \
    deletedId removedSourceVideos removedTechniquePages removedPosts unlinkedUsers removedFollows } }";

fn id(creator: &creators::Model) -> String {
    encode(NodeKind::Creator, creator.id).0
}

async fn admin(t: &TestDb) -> String {
    let admin = t.user("admin@c.test", UserRole::Admin, None).await;
    t.token(&admin)
}

async fn curator(t: &TestDb, email: &str, creator: &creators::Model) -> String {
    let user = t.user(email, UserRole::Creator, Some(creator.id)).await;
    t.token(&user)
}

async fn row(t: &TestDb, creator: &creators::Model) -> creators::Model {
    creators::Entity::find_by_id(creator.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap()
}

async fn creator_count(t: &TestDb) -> u64 {
    creators::Entity::find().count(&t.db).await.unwrap()
}

fn argument(resp: &Value) -> &str {
    resp["errors"][0]["extensions"]["argument"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn admins_create_creators_with_a_derived_slug_and_normalized_fields() {
    let t = support::test_db().await;
    let token = admin(&t).await;
    let resp = t
        .execute_as(
            Some(&token),
            CREATE,
            json!({ "input": {
                "name": "  Røyksopp   Live ",
                "genres": [" Electronica", "ELECTRONICA", "Sound   Design"],
                "bio": "  From Tromsø.  ",
                "avatarUrl": "HTTPS://Images.Example.com:443/r.png",
                "socialLinks": [
                    { "platform": "YT", "url": "https://www.YouTube.com/@royksopp" },
                    { "platform": "Twitter", "url": "https://twitter.com/royksopp" },
                    { "platform": "Website", "url": "https://royksopp.example/" }
                ],
                "featured": true,
                "personalityProfile": { "tone": "playful" },
                "shortsTemplate": { "intro": { "enabled": true, "text": " Hi ", "durationSecs": 30 } }
            }}),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let c = &resp["data"]["createCreator"]["creator"];
    assert_eq!(c["name"], "Røyksopp Live");
    assert_eq!(c["slug"], "royksopp-live");
    assert_eq!(c["genres"], json!(["electronica", "sound design"]));
    assert_eq!(c["bio"], "From Tromsø.");
    assert_eq!(c["avatarUrl"], "https://images.example.com/r.png");
    assert_eq!(c["featured"], true);
    assert_eq!(
        c["socialLinks"],
        json!([
            { "platform": "website", "url": "https://royksopp.example/" },
            { "platform": "x", "url": "https://twitter.com/royksopp" },
            { "platform": "youtube", "url": "https://www.youtube.com/@royksopp" },
        ])
    );
    assert_eq!(c["personalityProfile"], json!({ "tone": "playful" }));
    assert_eq!(
        c["shortsTemplate"]["intro"],
        json!({ "enabled": true, "text": "Hi", "durationSecs": 10.0,
                "backgroundColor": "#000000", "textColor": "#ffffff" })
    );
    assert_eq!(c["shortsTemplate"]["outro"]["enabled"], false);
    assert_eq!(c["shortsTemplate"]["accentColor"], Value::Null);

    // It is a creator like any other: found by its slug.
    let found = t
        .execute(r#"{ creator(slug: "royksopp-live") { name } }"#)
        .await;
    assert_eq!(found["data"]["creator"]["name"], "Røyksopp Live");

    // An explicit slug wins; minimal input takes the defaults.
    let resp = t
        .execute_as(
            Some(&token),
            CREATE,
            json!({ "input": { "name": "東京 Beats", "slug": "Tokyo-Beats" } }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let c = &resp["data"]["createCreator"]["creator"];
    assert_eq!(c["slug"], "tokyo-beats");
    assert_eq!(c["genres"], json!([]));
    assert_eq!(c["socialLinks"], json!([]));
    assert_eq!(c["shortsTemplate"], Value::Null);
    assert_eq!(c["featured"], false);

    // A name with nothing to make a slug from needs one.
    let before = creator_count(&t).await;
    let resp = t
        .execute_as(Some(&token), CREATE, json!({ "input": { "name": "東京" } }))
        .await;
    assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{resp}");
    assert_eq!(argument(&resp), "input.slug");
    assert_eq!(creator_count(&t).await, before);
}

#[tokio::test]
async fn a_taken_name_or_slug_is_a_conflict_naming_it() {
    let t = support::test_db().await;
    fixtures::creator(&t.db, "Alpha").await;
    let token = admin(&t).await;
    let cases = [
        (json!({ "name": "Alpha", "slug": "alpha-2" }), "name"),
        (json!({ "name": "Alpha Two", "slug": "alpha" }), "slug"),
        // The derived slug of a new name clashes.
        (json!({ "name": "ALPHA!" }), "slug"),
    ];
    for (input, field) in cases {
        let resp = t
            .execute_as(Some(&token), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&resp), Some("CONFLICT"), "{input}: {resp}");
        assert_eq!(resp["errors"][0]["extensions"]["field"], field, "{resp}");
        assert!(resp["data"].is_null() || resp["data"]["createCreator"].is_null());
    }
    assert_eq!(creator_count(&t).await, 1);

    // Renaming onto a taken name or slug is the same conflict, and changes nothing.
    let beta = fixtures::creator(&t.db, "Beta").await;
    for (input, field) in [
        (json!({ "name": "Alpha" }), "name"),
        (json!({ "slug": "alpha" }), "slug"),
    ] {
        let resp = t
            .execute_as(
                Some(&token),
                UPDATE,
                json!({ "id": id(&beta), "input": input }),
            )
            .await;
        assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
        assert_eq!(resp["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(row(&t, &beta).await, beta);
}

#[tokio::test]
async fn admins_update_every_field_and_the_slug_stays_when_the_name_changes() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").bio("old").await;
    let token = admin(&t).await;
    let resp = t
        .execute_as(
            Some(&token),
            UPDATE,
            json!({ "id": id(&alpha), "input": {
                "name": "Alpha Prime",
                "bio": "New bio",
                "genres": ["Neuro", "neuro ", "DnB"],
                "featured": true,
                "avatarUrl": "https://cdn.example/a.jpg",
                "socialLinks": [{ "platform": "Bandcamp", "url": "https://alpha.bandcamp.com/" }],
                "personalityProfile": { "tone": "blunt", "technical_depth": 4 }
            }}),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let c = &resp["data"]["updateCreator"]["creator"];
    assert_eq!(c["name"], "Alpha Prime");
    assert_eq!(c["slug"], "alpha", "the slug does not follow the name");
    assert_eq!(c["bio"], "New bio");
    assert_eq!(c["genres"], json!(["neuro", "dnb"]));
    assert_eq!(c["featured"], true);
    assert_eq!(c["avatarUrl"], "https://cdn.example/a.jpg");
    assert_eq!(
        c["socialLinks"],
        json!([{ "platform": "bandcamp", "url": "https://alpha.bandcamp.com/" }])
    );
    assert_eq!(
        c["personalityProfile"],
        json!({ "tone": "blunt", "technical_depth": 4 })
    );
    let stored = row(&t, &alpha).await;
    assert_eq!(stored.name, "Alpha Prime");
    assert_eq!(
        stored.social_links,
        json!({ "bandcamp": "https://alpha.bandcamp.com/" })
    );

    // An explicit slug, then nulls and empties clearing what may be cleared.
    let resp = t
        .execute_as(
            Some(&token),
            UPDATE,
            json!({ "id": id(&alpha), "input": {
                "slug": "alpha-prime", "bio": null, "avatarUrl": "", "socialLinks": [],
                "personalityProfile": null
            }}),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let c = &resp["data"]["updateCreator"]["creator"];
    assert_eq!(c["slug"], "alpha-prime");
    assert_eq!(c["bio"], Value::Null);
    assert_eq!(c["avatarUrl"], Value::Null);
    assert_eq!(c["socialLinks"], json!([]));
    assert_eq!(c["personalityProfile"], Value::Null);
    assert_eq!(c["name"], "Alpha Prime", "fields left out stay");
}

#[tokio::test]
async fn the_creators_own_users_update_bio_avatar_links_and_shorts_template() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let owner = curator(&t, "owner@c.test", &alpha).await;
    let resp = t
        .execute_as(
            Some(&owner),
            UPDATE,
            json!({ "id": id(&alpha), "input": {
                "bio": "Written by me",
                "avatarUrl": "http://me.example/face.png",
                "socialLinks": [{ "platform": "instagram", "url": "https://instagram.com/alpha" }],
                "shortsTemplate": { "outro": { "enabled": true, "text": "Subscribe" }, "accentColor": "#0F0" }
            }}),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let c = &resp["data"]["updateCreator"]["creator"];
    assert_eq!(c["bio"], "Written by me");
    assert_eq!(c["avatarUrl"], "http://me.example/face.png");
    assert_eq!(c["socialLinks"][0]["platform"], "instagram");
    assert_eq!(c["shortsTemplate"]["outro"]["text"], "Subscribe");
    assert_eq!(c["shortsTemplate"]["accentColor"], "#00ff00");
    assert_eq!(c["genres"], json!(["dubstep", "sound design"]));
    let stored = row(&t, &alpha).await;
    assert_eq!(stored.bio.as_deref(), Some("Written by me"));
    assert!(stored.updated_at >= alpha.updated_at);
}

#[tokio::test]
async fn an_owner_setting_an_admin_only_field_is_forbidden_and_nothing_is_written() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha")
        .personality_profile(json!({ "tone": "calm" }))
        .await;
    let owner = curator(&t, "owner@c.test", &alpha).await;
    let before = t.statements.get();
    let cases = [
        ("name", json!("Renamed")),
        ("slug", json!("renamed")),
        ("genres", json!(["pop"])),
        ("featured", json!(true)),
        ("personalityProfile", json!({ "tone": "loud" })),
        ("personalityProfile", Value::Null),
    ];
    for (field, value) in cases {
        // An owner-writable field alongside, to prove the refusal writes nothing at all.
        let mut input = json!({ "bio": "sneaked in" });
        input[field] = value;
        let resp = t
            .execute_as(
                Some(&owner),
                UPDATE,
                json!({ "id": id(&alpha), "input": input }),
            )
            .await;
        assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{field}: {resp}");
        let message = resp["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(&format!("input.{field}")), "{message}");
        assert!(resp["data"].is_null() || resp["data"]["updateCreator"].is_null());
    }
    assert_eq!(row(&t, &alpha).await, alpha, "nothing was written");
    // Authentication, then per attempt: BEGIN, the locked read, ROLLBACK; no UPDATE.
    assert!(
        t.statements.get() - before <= 6 * 5,
        "{}",
        t.statements.get() - before
    );
}

#[tokio::test]
async fn other_creators_users_and_fans_are_forbidden_and_anonymous_unauthenticated() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let beta = fixtures::creator(&t.db, "Beta").await;
    let other = curator(&t, "other@c.test", &beta).await;
    let fan = t.user("fan@c.test", UserRole::Creator, None).await;
    let fan = t.token(&fan);
    let vars = json!({ "id": id(&alpha), "input": { "bio": "hijacked" } });
    for token in [&other, &fan] {
        let resp = t.execute_as(Some(token), UPDATE, vars.clone()).await;
        assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    }
    let resp = t.execute_as(None, UPDATE, vars).await;
    assert_eq!(error_code(&resp), Some("UNAUTHENTICATED"), "{resp}");
    // Creating and deleting are for admins, even for the creator's own users.
    let owner = curator(&t, "owner@c.test", &alpha).await;
    let resp = t
        .execute_as(
            Some(&owner),
            CREATE,
            json!({ "input": { "name": "Gamma" } }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    let resp = t
        .execute_as(
            Some(&owner),
            DELETE,
            json!({ "id": id(&alpha), "cascade": true }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    assert_eq!(row(&t, &alpha).await, alpha);
    assert_eq!(creator_count(&t).await, 2);
}

#[tokio::test]
async fn invalid_urls_colours_and_over_long_fields_are_bad_input_naming_the_field() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let owner = curator(&t, "owner@c.test", &alpha).await;
    let token = admin(&t).await;
    let long_url = format!("https://example.com/{}", "a".repeat(1000));
    let owner_cases = [
        (
            json!({ "avatarUrl": "ftp://files.example/a.png" }),
            "input.avatarUrl",
        ),
        (json!({ "avatarUrl": "not a url" }), "input.avatarUrl"),
        (
            json!({ "avatarUrl": "https://localhost/a.png" }),
            "input.avatarUrl",
        ),
        (json!({ "avatarUrl": long_url }), "input.avatarUrl"),
        (json!({ "bio": "x".repeat(10_001) }), "input.bio"),
        (
            json!({ "socialLinks": [
                { "platform": "youtube", "url": "https://youtube.com/@a" },
                { "platform": "youtube", "url": "https://vimeo.com/a" }
            ] }),
            "input.socialLinks[1].platform",
        ),
        (
            json!({ "socialLinks": [{ "platform": "youtube", "url": "https://vimeo.com/a" }] }),
            "input.socialLinks[0].url",
        ),
        (
            json!({ "socialLinks": [{ "platform": "myspace", "url": "https://myspace.com/a" }] }),
            "input.socialLinks[0].platform",
        ),
        (
            json!({ "socialLinks": [{ "platform": "website", "url": "javascript:alert(1)" }] }),
            "input.socialLinks[0].url",
        ),
        (
            json!({ "shortsTemplate": { "intro": { "backgroundColor": "red" } } }),
            "input.shortsTemplate.intro.backgroundColor",
        ),
        (
            json!({ "shortsTemplate": { "outro": { "textColor": "#12345" } } }),
            "input.shortsTemplate.outro.textColor",
        ),
        (
            json!({ "shortsTemplate": { "accentColor": "#zzz" } }),
            "input.shortsTemplate.accentColor",
        ),
        (
            json!({ "shortsTemplate": { "intro": { "text": "t".repeat(101) } } }),
            "input.shortsTemplate.intro.text",
        ),
    ];
    for (input, field) in owner_cases {
        let resp = t
            .execute_as(
                Some(&owner),
                UPDATE,
                json!({ "id": id(&alpha), "input": input }),
            )
            .await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{field}: {resp}");
        assert_eq!(argument(&resp), field, "{resp}");
    }
    let admin_cases = [
        (json!({ "name": "n".repeat(256) }), "input.name"),
        (json!({ "name": "   " }), "input.name"),
        (json!({ "slug": "Not A Slug" }), "input.slug"),
        (json!({ "genres": ["g".repeat(51)] }), "input.genres"),
        (json!({ "genres": [" "] }), "input.genres"),
        (
            json!({ "personalityProfile": ["not", "an", "object"] }),
            "input.personalityProfile",
        ),
    ];
    for (input, field) in admin_cases {
        let resp = t
            .execute_as(
                Some(&token),
                UPDATE,
                json!({ "id": id(&alpha), "input": input }),
            )
            .await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{field}: {resp}");
        assert_eq!(argument(&resp), field, "{resp}");
    }
    assert_eq!(row(&t, &alpha).await, alpha, "nothing was written");

    // The same checks on create, which then inserts nothing.
    let resp = t
        .execute_as(
            Some(&token),
            CREATE,
            json!({ "input": { "name": "Gamma", "avatarUrl": "https://user:pw@example.com/a" } }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{resp}");
    assert_eq!(argument(&resp), "input.avatarUrl");
    assert_eq!(creator_count(&t).await, 1);
}

#[tokio::test]
async fn shorts_templates_are_normalized_on_read_and_write() {
    let t = support::test_db().await;
    // A row written before the rules: unknown keys, a duration out of range, a short colour, an
    // invalid one, a card that is not an object.
    let alpha = fixtures::creator(&t.db, "Alpha")
        .shorts_template(json!({
            "intro": { "enabled": true, "text": "Alpha", "duration_secs": 0.1,
                       "background_color": "#ABC", "text_color": "white", "font": "Comic Sans" },
            "outro": "broken",
            "accent_color": "#FF5A1F",
            "watermark": true
        }))
        .await;
    let read = t
        .execute(
            r#"{ creator(slug: "alpha") { shortsTemplate { intro { enabled text durationSecs
                backgroundColor textColor } outro { enabled text durationSecs backgroundColor
                textColor } accentColor } } }"#,
        )
        .await;
    assert_eq!(
        read["data"]["creator"]["shortsTemplate"],
        json!({
            "intro": { "enabled": true, "text": "Alpha", "durationSecs": 0.5,
                       "backgroundColor": "#aabbcc", "textColor": "#ffffff" },
            "outro": { "enabled": false, "text": "", "durationSecs": 2.0,
                       "backgroundColor": "#000000", "textColor": "#ffffff" },
            "accentColor": "#ff5a1f"
        })
    );

    // The owner changes one field of one card: durations clamp, colours normalize, the rest of
    // the stored template is kept, and the stored JSON loses its unknown keys.
    let owner = curator(&t, "owner@c.test", &alpha).await;
    let resp = t
        .execute_as(
            Some(&owner),
            UPDATE,
            json!({ "id": id(&alpha), "input": { "shortsTemplate": {
                "outro": { "enabled": true, "durationSecs": 99, "textColor": "#F0A" }
            } } }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let template = &resp["data"]["updateCreator"]["creator"]["shortsTemplate"];
    assert_eq!(template["outro"]["durationSecs"], 10.0);
    assert_eq!(template["outro"]["textColor"], "#ff00aa");
    assert_eq!(template["intro"]["text"], "Alpha", "the intro is kept");
    let stored = row(&t, &alpha).await.shorts_template.unwrap();
    assert_eq!(
        stored,
        json!({
            "intro": { "enabled": true, "text": "Alpha", "duration_secs": 0.5,
                       "background_color": "#aabbcc", "text_color": "#ffffff" },
            "outro": { "enabled": true, "text": "", "duration_secs": 10.0,
                       "background_color": "#000000", "text_color": "#ff00aa" },
            "accent_color": "#ff5a1f"
        })
    );

    // Null removes the template.
    let resp = t
        .execute_as(
            Some(&owner),
            UPDATE,
            json!({ "id": id(&alpha), "input": { "shortsTemplate": null } }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(
        resp["data"]["updateCreator"]["creator"]["shortsTemplate"],
        Value::Null
    );
    assert_eq!(row(&t, &alpha).await.shorts_template, None);
}

#[tokio::test]
async fn a_change_to_nothing_writes_nothing() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").bio("Same").await;
    let token = admin(&t).await;
    let resp = t
        .execute_as(
            Some(&token),
            UPDATE,
            json!({ "id": id(&alpha), "input": { "bio": " Same ", "name": "Alpha", "genres": ["Dubstep", "sound design"] } }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(row(&t, &alpha).await, alpha, "updated_at untouched");
}

/// A creator with something of every kind it can own, and a neighbour whose page links to it.
struct Owned {
    alpha: creators::Model,
    beta: creators::Model,
    linked_user: users::Model,
    fan: users::Model,
}

async fn owned(t: &TestDb) -> Owned {
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let beta = fixtures::creator(&t.db, "Beta").await;
    let video = fixtures::video(&t.db, &alpha).await;
    let video2 = fixtures::video(&t.db, &alpha).await;
    fixtures::consent(&t.db, &video).kb_inclusion(true).await;
    fixtures::segment(&t.db, &video, "hello").await;
    fixtures::key_moment(&t.db, &video, "Moment").await;
    fixtures::key_moment(&t.db, &video2, "Moment 2").await;
    let page = fixtures::page(&t.db, &alpha, "Page").await;
    let page2 = fixtures::page(&t.db, &alpha, "Second").await;
    fixtures::page_version(&t.db, &page, 1).await;
    fixtures::page_source(&t.db, &page, &video).await;
    let tag = fixtures::tag(&t.db, "shared tag").await;
    fixtures::tag_page(&t.db, &page, &tag).await;
    let beta_page = fixtures::page(&t.db, &beta, "Page").await;
    fixtures::tag_page(&t.db, &beta_page, &tag).await;
    fixtures::related_link(&t.db, &beta_page, &page).await;
    fixtures::related_link(&t.db, &page2, &beta_page).await;
    fixtures::post(&t.db, &alpha, "News").await;
    let linked_user = t
        .user("linked@c.test", UserRole::Creator, Some(alpha.id))
        .await;
    let fan = t.user("fan@c.test", UserRole::Creator, None).await;
    fixtures::follow(&t.db, &fan, &alpha).await;
    fixtures::follow(&t.db, &fan, &beta).await;
    Owned {
        alpha,
        beta,
        linked_user,
        fan,
    }
}

/// Row counts of everything a creator's delete can touch.
async fn counts(t: &TestDb) -> Value {
    let db = &t.db;
    json!({
        "creators": creators::Entity::find().count(db).await.unwrap(),
        "videos": source_videos::Entity::find().count(db).await.unwrap(),
        "segments": transcript_segments::Entity::find().count(db).await.unwrap(),
        "moments": key_moments::Entity::find().count(db).await.unwrap(),
        "pages": technique_pages::Entity::find().count(db).await.unwrap(),
        "versions": technique_page_versions::Entity::find().count(db).await.unwrap(),
        "pageTags": technique_page_tags::Entity::find().count(db).await.unwrap(),
        "tags": tags::Entity::find().count(db).await.unwrap(),
        "pageVideos": technique_page_videos::Entity::find().count(db).await.unwrap(),
        "links": related_technique_links::Entity::find().count(db).await.unwrap(),
        "posts": posts::Entity::find().count(db).await.unwrap(),
        "follows": creator_follows::Entity::find().count(db).await.unwrap(),
        "users": users::Entity::find().count(db).await.unwrap(),
        "consents": entity::video_consents::Entity::find().count(db).await.unwrap(),
    })
}

#[tokio::test]
async fn deleting_a_creator_that_owns_content_is_refused_without_cascade() {
    let t = support::test_db().await;
    let o = owned(&t).await;
    let token = admin(&t).await;
    let before = counts(&t).await;
    for cascade in [json!(false), Value::Null] {
        let resp = t
            .execute_as(
                Some(&token),
                DELETE,
                json!({ "id": id(&o.alpha), "cascade": cascade }),
            )
            .await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{resp}");
        assert_eq!(argument(&resp), "cascade");
        let message = resp["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("2 source videos, 2 technique pages, 1 post and 1 linked user"),
            "{message}"
        );
    }
    // Left out, `cascade` is false too.
    let resp = t
        .execute_as(
            Some(&token),
            "mutation($id: ID!) { deleteCreator(id: $id) { deletedId } }",
            json!({ "id": id(&o.alpha) }),
        )
        .await;
    assert_eq!(argument(&resp), "cascade", "{resp}");
    assert_eq!(counts(&t).await, before, "nothing was deleted");
}

#[tokio::test]
async fn deleting_with_cascade_removes_the_creators_content_and_unlinks_its_users() {
    let t = support::test_db().await;
    let o = owned(&t).await;
    let token = admin(&t).await;
    let before = counts(&t).await;
    assert_eq!(
        before,
        json!({ "creators": 2, "videos": 2, "segments": 1, "moments": 2, "pages": 3,
                "versions": 1, "pageTags": 2, "tags": 1, "pageVideos": 1, "links": 2,
                "posts": 1, "follows": 2, "users": 3, "consents": 1 })
    );
    let resp = t
        .execute_as(
            Some(&token),
            DELETE,
            json!({ "id": id(&o.alpha), "cascade": true }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(
        resp["data"]["deleteCreator"],
        json!({ "deletedId": id(&o.alpha), "removedSourceVideos": 2, "removedTechniquePages": 2,
                "removedPosts": 1, "unlinkedUsers": 1, "removedFollows": 1 })
    );
    assert_eq!(
        counts(&t).await,
        json!({ "creators": 1, "videos": 0, "segments": 0, "moments": 0, "pages": 1,
                "versions": 0, "pageTags": 1, "tags": 1, "pageVideos": 0, "links": 0,
                "posts": 0, "follows": 1, "users": 3, "consents": 0 })
    );
    // The linked user keeps the account without the link; Beta and its tag count are intact.
    let user = users::Entity::find_by_id(o.linked_user.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.creator_id, None);
    assert!(user.is_active);
    let beta_follows = creator_follows::Entity::find()
        .filter(creator_follows::Column::UserId.eq(o.fan.id))
        .filter(creator_follows::Column::CreatorId.eq(o.beta.id))
        .count(&t.db)
        .await
        .unwrap();
    assert_eq!(beta_follows, 1);
    let tags = t.execute(r#"{ tags { name pageCount } }"#).await;
    assert_eq!(
        tags["data"]["tags"],
        json!([{ "name": "shared tag", "pageCount": 1 }]),
        "{tags}"
    );
    let gone = t.execute(r#"{ creator(slug: "alpha") { name } }"#).await;
    assert_eq!(gone["data"]["creator"], Value::Null);

    // Deleting it again: it is gone.
    let resp = t
        .execute_as(
            Some(&token),
            DELETE,
            json!({ "id": id(&o.alpha), "cascade": true }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
}

#[tokio::test]
async fn a_creator_with_only_followers_is_deleted_without_cascade() {
    let t = support::test_db().await;
    let lonely = fixtures::creator(&t.db, "Lonely").await;
    let fan = t.user("fan@c.test", UserRole::Creator, None).await;
    fixtures::follow(&t.db, &fan, &lonely).await;
    let token = admin(&t).await;
    let resp = t
        .execute_as(Some(&token), DELETE, json!({ "id": id(&lonely) }))
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(resp["data"]["deleteCreator"]["removedFollows"], 1);
    assert_eq!(resp["data"]["deleteCreator"]["removedSourceVideos"], 0);
    assert_eq!(creator_count(&t).await, 0);
}

#[tokio::test]
async fn unknown_and_wrong_kind_ids_are_not_found_and_bad_input() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Page").await;
    let token = admin(&t).await;
    let unknown = encode(NodeKind::Creator, Uuid::new_v4()).0;
    let wrong_kind = encode(NodeKind::TechniquePage, page.id).0;
    let update = |id: &str| json!({ "id": id, "input": { "bio": "x" } });
    let delete = |id: &str| json!({ "id": id, "cascade": true });

    let resp = t.execute_as(Some(&token), UPDATE, update(&unknown)).await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    let resp = t.execute_as(Some(&token), DELETE, delete(&unknown)).await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    for bad in [wrong_kind.as_str(), "not-an-id"] {
        let resp = t.execute_as(Some(&token), UPDATE, update(bad)).await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{resp}");
        assert_eq!(argument(&resp), "id");
        let resp = t.execute_as(Some(&token), DELETE, delete(bad)).await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{resp}");
        assert_eq!(argument(&resp), "id");
    }
    // The owner of an unknown creator does not exist; a creator's user asking about one is told
    // it is not there (creators are public, so nothing is hidden by this).
    let owner = curator(&t, "owner@c.test", &alpha).await;
    let resp = t.execute_as(Some(&owner), UPDATE, update(&unknown)).await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    assert_eq!(row(&t, &alpha).await, alpha);
    assert_eq!(
        technique_pages::Entity::find().count(&t.db).await.unwrap(),
        1
    );
}
