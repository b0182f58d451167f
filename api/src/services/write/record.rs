//! What creating, updating and archiving a producer, a product or an outlet have in common, in
//! the write's unit of work: a free slug, the insert or the stale-checked update, and the audit
//! entry. The caller then commits with the changes only it knows (which products a change
//! touches).

use chrono::{DateTime, Utc};
use ocop_entities::{outlet, producer, product};
use sea_orm::{
    ActiveModelTrait, ActiveValue, EntityTrait, IntoActiveModel, PrimaryKeyTrait, Value,
};
use serde::Serialize;

use super::{UnitOfWork, Writer, check::Check, free_slug, update_unless_stale};
use crate::{
    error::{AppError, AppResult},
    services::audit::{self, Entry, snapshot},
};

/// A catalogue record with a slug, a province and an `updatedAt`.
pub trait Record: EntityTrait
where
    Self::Model: Serialize,
{
    /// Its kind in the audit trail.
    const SUBJECT: audit::Subject;
    /// Its name in messages (`"outlet"`).
    const WHAT: &'static str;
    /// The slug column.
    fn slug_column() -> Self::Column;
    /// The id column.
    fn id_column() -> Self::Column;
    /// The province column.
    fn province_column() -> Self::Column;
    /// The `updated_at` column.
    fn updated_at_column() -> Self::Column;
    /// The id of a row.
    fn id(row: &Self::Model) -> i64;
    /// The province of a row.
    fn province(row: &Self::Model) -> &str;
    /// When a row last changed.
    fn updated_at(row: &Self::Model) -> DateTime<Utc>;
}

macro_rules! record {
    ($entity:ident, $subject:ident) => {
        impl Record for $entity::Entity {
            const SUBJECT: audit::Subject = audit::Subject::$subject;
            const WHAT: &'static str = stringify!($entity);
            fn slug_column() -> Self::Column {
                $entity::Column::Slug
            }
            fn id_column() -> Self::Column {
                $entity::Column::Id
            }
            fn province_column() -> Self::Column {
                $entity::Column::ProvinceCode
            }
            fn updated_at_column() -> Self::Column {
                $entity::Column::UpdatedAt
            }
            fn id(row: &Self::Model) -> i64 {
                row.id
            }
            fn province(row: &Self::Model) -> &str {
                &row.province_code
            }
            fn updated_at(row: &Self::Model) -> DateTime<Utc> {
                row.updated_at
            }
        }
    };
}

record!(producer, Producer);
record!(product, Product);
record!(outlet, Outlet);

/// Row `id`, or `NOT_FOUND`.
pub async fn find<E>(w: &Writer<'_>, id: i64) -> AppResult<E::Model>
where
    E: Record,
    E::Model: Serialize,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id)
        .one(w.db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no {} {id}", E::WHAT)))
}

/// What a create or an update checks before it writes: the caller may write in the province
/// the record would be in (a record moved to another province needs that one too), and the
/// input has no problem.
pub fn ready<E>(
    w: &Writer<'_>,
    c: Check<'_>,
    model: &E::ActiveModel,
    current: Option<&E::Model>,
) -> AppResult<()>
where
    E: Record,
    E::Model: Serialize,
    E::ActiveModel: ActiveModelTrait<Entity = E>,
{
    if let ActiveValue::Set(Value::String(Some(province))) = model.get(E::province_column())
        && current.is_none_or(|row| E::province(row) != province.as_str())
    {
        w.caller.require_province(&province)?;
    }
    c.finish()
}

/// Inserts `model` under a free slug (`given`, or made from `name`) and audits its creation.
pub async fn insert<E>(
    work: &mut UnitOfWork<'_>,
    mut model: E::ActiveModel,
    given: Option<&str>,
    name: &str,
) -> AppResult<E::Model>
where
    E: Record,
    E::Model: Serialize + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let slug = free_slug::<_, E>(work.txn(), E::slug_column(), given, name, None).await?;
    model.set(E::slug_column(), Value::from(slug));
    let created = model.insert(work.txn()).await?;
    work.audit(Entry {
        entity_type: E::SUBJECT,
        entity_id: E::id(&created),
        operation: audit::Operation::Create,
        province: Some(E::province(&created)),
        before: None,
        after: snapshot(&created),
    })
    .await?;
    Ok(created)
}

/// Writes `model` over `current` unless the row changed since `expected` (the time, and the
/// field that gave it), under the `slug` given if it is free, and audits it as `operation`.
pub async fn save<E>(
    work: &mut UnitOfWork<'_>,
    current: &E::Model,
    mut model: E::ActiveModel,
    expected: Option<(DateTime<Utc>, &'static str)>,
    slug: Option<&str>,
    operation: audit::Operation,
) -> AppResult<E::Model>
where
    E: Record,
    E::Model: Serialize,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    let id = E::id(current);
    if let Some(given) = slug {
        let slug = free_slug::<_, E>(
            work.txn(),
            E::slug_column(),
            Some(given),
            "",
            Some((E::id_column(), id)),
        )
        .await?;
        model.set(E::slug_column(), Value::from(slug));
    }
    let updated = update_unless_stale::<E, _>(
        work.txn(),
        model,
        (E::id_column(), E::updated_at_column()),
        id,
        expected,
        E::updated_at(current),
        E::WHAT,
    )
    .await?;
    work.audit(Entry {
        entity_type: E::SUBJECT,
        entity_id: id,
        operation,
        province: Some(E::province(&updated)),
        before: snapshot(current),
        after: snapshot(&updated),
    })
    .await?;
    Ok(updated)
}
