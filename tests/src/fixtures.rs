//! Builders for the rows tests need; each fills the required columns with sensible values.

use entity::{creators, tags, technique_page_tags, technique_pages};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use serde_json::json;
use uuid::Uuid;

/// Turns a name into a slug (`"Mr. Bill"` → `"mr-bill"`).
pub fn slugify(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Inserts a creator named `name`.
pub async fn creator(db: &DatabaseConnection, name: &str) -> creators::Model {
    creators::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name.to_owned()),
        slug: Set(slugify(name)),
        genres: Set(vec!["dubstep".into(), "sound design".into()]),
        social_links: Set(json!({"youtube": format!("https://youtube.example/{}", slugify(name))})),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// Inserts a technique page of `creator` titled `title`.
pub async fn page(
    db: &DatabaseConnection,
    creator: &creators::Model,
    title: &str,
) -> technique_pages::Model {
    technique_pages::ActiveModel {
        id: Set(Uuid::new_v4()),
        creator_id: Set(creator.id),
        title: Set(title.to_owned()),
        slug: Set(format!("{}-{}", creator.slug, slugify(title))),
        summary: Set(format!("How {} does {title}", creator.name)),
        body_sections: Set(json!([])),
        body_sections_format: Set("v2".into()),
        plugins: Set(vec!["Serum".into()]),
        topic_tags: Set(vec![]),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// Inserts a tag.
pub async fn tag(db: &DatabaseConnection, name: &str) -> tags::Model {
    tags::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// Tags `page` with `tag`.
pub async fn tag_page(db: &DatabaseConnection, page: &technique_pages::Model, tag: &tags::Model) {
    technique_page_tags::ActiveModel {
        technique_page_id: Set(page.id),
        tag_id: Set(tag.id),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
}
