//! One batched SQL statement per relation, keyed by parent id, in one registry ([`Loaders`],
//! created per request); nested connections are windowed per parent inside SQL.

mod read;
mod sql;
mod users;

use std::{collections::HashMap, sync::Arc};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, IdenStatic,
    Iterable, QueryResult, Statement, Value,
};
use uuid::Uuid;

use crate::{error::LoadError, pagination::Window};

pub(crate) use read::{Loaders, PageColumns, PageDetail, list, one};

/// How long a DataLoader waits after the first key of a batch for more (async-graphql's
/// default): the keys a level of the query asks within it go into one statement.
pub(crate) const BATCH_WINDOW: std::time::Duration = std::time::Duration::from_millis(1);

/// Column that carries the parent key in batched statements.
const PARENT: &str = "pb_parent";

/// The entity's own columns of the table aliased `alias`, as a select list. Tables also hold
/// database-only columns (the generated `search_vector`s, kilobytes per row) that no model reads,
/// so batched statements never say `alias.*`.
pub(crate) fn columns<E: EntityTrait>(alias: &str) -> String {
    columns_deferring::<E>(alias, &[])
}

/// [`columns`] with the `deferred` columns read as their placeholder values instead: list rows
/// leave out what only a detail view reads (a technique page's body is kilobytes of JSON; decoding
/// and copying it for every row of a list dominated the cost of list queries). Their types'
/// resolvers load a deferred column through a by-id loader when it is selected.
pub(crate) fn columns_deferring<E: EntityTrait>(
    alias: &str,
    deferred: &[(E::Column, &str)],
) -> String {
    E::Column::iter()
        .map(
            |c| match deferred.iter().find(|(d, _)| d.as_str() == c.as_str()) {
                Some((_, placeholder)) => format!("{placeholder} AS \"{}\"", c.as_str()),
                None => format!("{alias}.\"{}\"", c.as_str()),
            },
        )
        .collect::<Vec<_>>()
        .join(", ")
}

/// A technique page's columns for lists: the body (`body_sections`, `signal_chains`) deferred.
pub(crate) fn page_summary_columns(alias: &str) -> String {
    columns_deferring::<entity::technique_pages::Entity>(
        alias,
        &crate::services::technique_pages::DEFERRED,
    )
}

/// A technique page's columns for lean lists: the body and the other
/// [`LEAN`](crate::services::technique_pages::LEAN) columns deferred.
pub(crate) fn page_lean_columns(alias: &str) -> String {
    columns_deferring::<entity::technique_pages::Entity>(
        alias,
        &crate::services::technique_pages::LEAN,
    )
}

/// Rewrites a statement starting `SELECT <alias>.*` to select [`columns`] of `E` instead.
pub(crate) fn expand_star<E: EntityTrait>(sql: &str) -> String {
    if let Some(rest) = sql.strip_prefix("SELECT ")
        && let Some((alias, tail)) = rest.split_once(".*")
        && !alias.is_empty()
        && alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return format!("SELECT {}{tail}", columns::<E>(alias));
    }
    sql.to_owned()
}

/// Runs `sql` (which must select a `pb_parent` uuid column and the model's columns, filtering on
/// `= ANY($1)` and taking any further `params`) and groups the rows by parent.
async fn grouped<M: FromQueryResult>(
    db: &DatabaseConnection,
    sql: &str,
    parents: &[Uuid],
    params: Vec<Value>,
) -> Result<HashMap<Uuid, Vec<M>>, LoadError> {
    let mut out: HashMap<Uuid, Vec<M>> = HashMap::with_capacity(parents.len());
    for row in rows_for(db, sql, parents, params).await? {
        let parent: Uuid = row.try_get("", PARENT)?;
        out.entry(parent)
            .or_default()
            .push(M::from_query_result(&row, "")?);
    }
    Ok(out)
}

/// Runs `sql` with the `parents` as `$1` and `params` after them.
async fn rows_for(
    db: &DatabaseConnection,
    sql: &str,
    parents: &[Uuid],
    params: Vec<Value>,
) -> Result<Vec<QueryResult>, LoadError> {
    let mut values = vec![Value::from(parents.to_vec())];
    values.extend(params);
    Ok(db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?)
}

/// The statement of one parent's window for [`windowed`]: `select` (the model's columns) from
/// `from` where the key expression `key` is the parent (`pb_p.id`) and `pred` holds, numbered by
/// `order` and cut to the window (`OFFSET $2 LIMIT $3`). With an index on the key and the order,
/// each parent reads just its window instead of all its children.
pub(crate) fn window_sql(select: &str, from: &str, key: &str, pred: &str, order: &str) -> String {
    format!(
        "SELECT {select}, pb_p.id AS {PARENT}, \
           row_number() OVER (ORDER BY {order}) - 1 AS pb_pos \
         FROM {from} WHERE {key} = pb_p.id AND {pred} ORDER BY {order} OFFSET $2 LIMIT $3"
    )
}

/// Runs a windowed child query: `inner` (see [`window_sql`]) selects one parent's window with a
/// `pb_parent` column and its 0-based `pb_pos`; it runs laterally for each parent of `ANY($1)`,
/// one statement per distinct window. Each parent's rows are put in `pb_pos` order here rather than
/// by an `ORDER BY` around the whole result, which made PostgreSQL copy and sort every (wide) row.
/// `viewer` is bound after the offset and the limit (`$4`) when the statement reads it.
async fn windowed<M: FromQueryResult>(
    db: &DatabaseConnection,
    inner: &str,
    keys: &[(Uuid, Window)],
    viewer: Option<Uuid>,
) -> Result<HashMap<(Uuid, Window), Arc<Vec<M>>>, LoadError> {
    let mut by_window: HashMap<Window, Vec<Uuid>> = HashMap::new();
    for (parent, window) in keys {
        by_window.entry(*window).or_default().push(*parent);
    }
    let sql =
        format!("SELECT w.* FROM unnest($1::uuid[]) AS pb_p(id) CROSS JOIN LATERAL ({inner}) AS w");
    let mut out = HashMap::with_capacity(keys.len());
    for (window, parents) in by_window {
        let offset = i64::try_from(window.offset).unwrap_or(i64::MAX);
        let limit = i64::try_from(window.fetch()).unwrap_or(i64::MAX);
        let mut params = vec![offset.into(), limit.into()];
        params.extend(viewer.map(Value::from));
        let mut rows: HashMap<Uuid, Vec<(i64, M)>> = HashMap::with_capacity(parents.len());
        for row in rows_for(db, &sql, &parents, params).await? {
            let parent: Uuid = row.try_get("", PARENT)?;
            let pos: i64 = row.try_get("", "pb_pos")?;
            rows.entry(parent)
                .or_default()
                .push((pos, M::from_query_result(&row, "")?));
        }
        for parent in parents {
            let mut window_rows = rows.remove(&parent).unwrap_or_default();
            // Already in order as PostgreSQL runs the lateral join; a stable sort of sorted
            // input is one pass.
            window_rows.sort_by_key(|(pos, _)| *pos);
            let window_rows = window_rows.into_iter().map(|(_, row)| row).collect();
            out.insert((parent, window), Arc::new(window_rows));
        }
    }
    Ok(out)
}

/// The rows of a loader's answer. Lists travel through DataLoaders behind an `Arc` (a DataLoader
/// copies each answer to its caller); once the loader has handed the answer over, the caller holds
/// the only reference and takes the rows without a copy.
pub(crate) fn unshare<T: Clone>(rows: Arc<Vec<T>>) -> Vec<T> {
    Arc::try_unwrap(rows).unwrap_or_else(|rows| (*rows).clone())
}

/// Counts children per parent: `sql` selects `pb_parent` and `n` (bigint) for `ANY($1)`, reading
/// `viewer` as `$2` when given.
async fn counts(
    db: &DatabaseConnection,
    sql: &str,
    parents: &[Uuid],
    viewer: Option<Uuid>,
) -> Result<HashMap<Uuid, u64>, LoadError> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let params = viewer.into_iter().map(Value::from).collect();
    let rows = grouped::<Count>(db, sql, parents, params).await?;
    Ok(parents
        .iter()
        .map(|p| {
            let n = rows.get(p).and_then(|r| r.first()).map_or(0, |c| c.n);
            (*p, u64::try_from(n).unwrap_or(0))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_selects_become_the_models_columns() {
        let sql = expand_star::<entity::tags::Entity>("SELECT t.*, x.id AS pb_parent FROM tags t");
        assert!(sql.starts_with("SELECT t.\"id\", t.\"name\""), "{sql}");
        assert!(sql.ends_with(", x.id AS pb_parent FROM tags t"), "{sql}");
        assert!(!sql.contains(".*"), "{sql}");
        let other = "SELECT count(*) FROM tags";
        assert_eq!(expand_star::<entity::tags::Entity>(other), other);
        let cols = columns::<entity::technique_pages::Entity>("tp");
        assert!(!cols.contains("search_vector") && cols.contains("tp.\"body_sections\""));
        let summary = page_summary_columns("tp");
        assert!(
            summary.contains("'null'::jsonb AS \"body_sections\""),
            "{summary}"
        );
        assert!(
            summary.contains("'null'::jsonb AS \"signal_chains\""),
            "{summary}"
        );
        assert!(summary.contains("tp.\"title\"") && !summary.contains("tp.\"body_sections\""));
        let lean = page_lean_columns("tp");
        for kept in ["id", "creator_id", "title", "slug", "view_count"] {
            assert!(lean.contains(&format!("tp.\"{kept}\"")), "{lean}");
        }
        for (left, placeholder) in [("summary", "''::text"), ("plugins", "'{}'::text[]")] {
            assert!(
                lean.contains(&format!("{placeholder} AS \"{left}\"")),
                "{lean}"
            );
        }
        assert!(
            lean.contains("'null'::jsonb AS \"body_sections\""),
            "{lean}"
        );
    }
}
