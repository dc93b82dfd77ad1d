//! The consent audit log as CSV for compliance requests (`docs/decisions/0060-consent.md`):
//! RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote or line break, quotes
//! doubled), a header row, oldest change first (a consent's changes of one moment by version), read in keyset pages of [`PAGE_ROWS`] so an
//! export of any size streams in constant memory. The server's `GET /exports/consent-audit.csv`
//! sends it.

use chrono::NaiveDateTime;
use futures::Stream;
use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement, Value};
use uuid::Uuid;

use crate::{
    ids::{self, NodeKind},
    services::{
        error::{ServiceError, ServiceResult},
        permissions::{Permission, Viewer, authorize},
    },
};

/// Rows read per statement.
pub const PAGE_ROWS: u64 = 1_000;

/// The header row.
pub const HEADER: &str = "changed_at,creator,video_id,video_filename,field,old_value,new_value,\
                          version,changed_by,ip_address\r\n";

/// Where a page ends: the export's order is (time, consent, version), which is unique.
type Key = (NaiveDateTime, Uuid, i32);

#[derive(FromQueryResult)]
struct Row {
    video_consent_id: Uuid,
    created_at: NaiveDateTime,
    creator_slug: String,
    video_id: Uuid,
    filename: String,
    field_name: String,
    old_value: Option<bool>,
    new_value: bool,
    version: i32,
    changed_by: Option<String>,
    ip_address: Option<String>,
}

/// One CSV field, quoted when it must be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn flag(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    }
}

impl Row {
    fn line(&self) -> String {
        let video = ids::encode(NodeKind::SourceVideo, self.video_id).0;
        let at = self.created_at.and_utc().to_rfc3339();
        [
            field(&at),
            field(&self.creator_slug),
            field(&video),
            field(&self.filename),
            field(&self.field_name),
            flag(self.old_value).to_owned(),
            flag(Some(self.new_value)).to_owned(),
            self.version.to_string(),
            field(self.changed_by.as_deref().unwrap_or_default()),
            field(self.ip_address.as_deref().unwrap_or_default()),
        ]
        .join(",")
            + "\r\n"
    }
}

/// The creator a `creator` query parameter names (its global ID or its slug).
async fn creator_of(db: &DatabaseConnection, raw: &str) -> ServiceResult<Uuid> {
    if let Ok(id) = ids::decode(raw, NodeKind::Creator, "creator") {
        return Ok(id);
    }
    crate::services::creators::by_slug(db, raw)
        .await?
        .map(|c| c.id)
        .ok_or(ServiceError::NotFound("creator"))
}

async fn page(
    db: &DatabaseConnection,
    creator: Option<Uuid>,
    after: Option<Key>,
) -> ServiceResult<Vec<Row>> {
    let mut values: Vec<Value> = Vec::new();
    let mut conditions = Vec::new();
    if let Some(creator) = creator {
        values.push(creator.into());
        conditions.push(format!("c.creator_id = ${}", values.len()));
    }
    if let Some((at, consent, version)) = after {
        values.push(at.into());
        values.push(consent.into());
        values.push(version.into());
        let n = values.len();
        conditions.push(format!(
            "(a.created_at, a.video_consent_id, a.version) > (${}, ${}, ${n})",
            n - 2,
            n - 1
        ));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    Ok(Row::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT a.video_consent_id, a.created_at, cr.slug AS creator_slug, v.id AS video_id, v.filename, \
             a.field_name::text AS field_name, a.old_value, a.new_value, a.version, \
             u.email AS changed_by, a.ip_address \
             FROM consent_audit_logs a JOIN video_consents c ON c.id = a.video_consent_id \
             JOIN source_videos v ON v.id = c.source_video_id \
             JOIN creators cr ON cr.id = c.creator_id \
             LEFT JOIN users u ON u.id = a.changed_by {filter} \
             ORDER BY a.created_at, a.video_consent_id, a.version LIMIT {PAGE_ROWS}"
        ),
        values,
    ))
    .all(db)
    .await?)
}

/// Admins only (`Permission::ReadConsentAudit`, checked before anything is read): the consent
/// audit log, of one creator (`creator`: its global ID or slug) or of all, as a stream of CSV
/// chunks, the header row first. An unknown creator is `NotFound`.
pub async fn csv(
    db: DatabaseConnection,
    viewer: &Viewer,
    creator: Option<&str>,
) -> ServiceResult<impl Stream<Item = ServiceResult<String>> + Send + 'static> {
    authorize(viewer, Permission::ReadConsentAudit)?;
    let creator = match creator {
        Some(raw) => Some(creator_of(&db, raw).await?),
        None => None,
    };
    enum State {
        Header,
        Rows(Option<Key>),
        Done,
    }
    Ok(futures::stream::unfold(
        (db, State::Header),
        move |(db, state)| async move {
            match state {
                State::Header => Some((Ok(HEADER.to_owned()), (db, State::Rows(None)))),
                State::Rows(after) => match page(&db, creator, after).await {
                    Ok(rows) if rows.is_empty() => None,
                    Ok(rows) => {
                        let next = if rows.len() as u64 == PAGE_ROWS {
                            rows.last().map(|r| {
                                State::Rows(Some((r.created_at, r.video_consent_id, r.version)))
                            })
                        } else {
                            None
                        };
                        let chunk: String = rows.iter().map(Row::line).collect();
                        Some((Ok(chunk), (db, next.unwrap_or(State::Done))))
                    }
                    Err(err) => Some((Err(err), (db, State::Done))),
                },
                State::Done => None,
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}
