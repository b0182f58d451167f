//! Catalogue writes: each checks its input and the caller's rights, then writes the rows, an
//! audit entry and the change-log entries in one [`UnitOfWork`], which commits them together
//! and wakes this server's index follower.

pub mod certifications;
pub mod check;
pub mod listings;
pub mod outlets;
pub mod producers;
pub mod products;
pub mod record;
pub mod unit_of_work;

pub use unit_of_work::UnitOfWork;

use check::Check;

use chrono::{DateTime, Utc};
use ocop_entities::product;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PrimaryKeyTrait, QueryFilter, QuerySelect,
};

use crate::{
    auth::Caller,
    domain::Slug,
    error::{AppError, AppResult},
    indexing::SyncStatus,
    reference::ReferenceData,
};

/// What every write needs.
#[derive(Clone, Copy)]
pub struct Writer<'a> {
    /// The database.
    pub db: &'a DatabaseConnection,
    /// Reference data.
    pub reference: &'a ReferenceData,
    /// Who writes.
    pub caller: &'a Caller,
    /// Woken after each commit.
    pub status: &'a SyncStatus,
}

/// Checks a parse result for `input.<name>`.
pub fn field<T>(name: &str, result: Result<T, String>) -> AppResult<T> {
    result.map_err(|m| AppError::bad_input(format!("input.{name}"), m))
}

/// Checks a record's place into `c` and gives the ward and its province to `set`: a ward (in
/// `province`, when given), whose province follows from it; a province alone is refused.
pub fn set_place(
    c: &mut Check<'_>,
    ward: Option<&str>,
    province: Option<&str>,
    set: impl FnOnce(String, String),
) {
    match ward {
        Some(ward) => {
            if let Some((ward, province)) = c.ward("wardCode", ward, province) {
                set(ward, province);
            }
        }
        None if province.is_some() => c.fail(
            "provinceCode",
            "give wardCode too: the province follows from the ward",
        ),
        None => {}
    }
}

/// A slug given by the client, or made from the name; a taken one is a `CONFLICT`.
pub async fn free_slug<C: ConnectionTrait, E: EntityTrait>(
    db: &C,
    column: E::Column,
    given: Option<&str>,
    name: &str,
    exclude_id: Option<(E::Column, i64)>,
) -> AppResult<String>
where
    E::Column: ColumnTrait,
{
    let slug = match given {
        Some(s) => field("slug", Slug::parse(s))?,
        None => field("name", Slug::from_name(name))?,
    };
    let mut query = E::find()
        .filter(column.eq(slug.as_str()))
        .select_only()
        .column(column);
    if let Some((id_column, id)) = exclude_id {
        query = query.filter(id_column.ne(id));
    }
    let taken: Option<String> = query.into_tuple().one(db).await?;
    if taken.is_some() {
        return Err(AppError::conflict(
            "input.slug",
            format!("the slug \"{slug}\" is taken; give another one with `slug`"),
        ));
    }
    Ok(slug.into_inner())
}

/// Where an update's `expectedUpdatedAt` is: in its input.
pub const INPUT_EXPECTED: &str = "input.expectedUpdatedAt";

/// Where it is for archive, revoke and `setListing`: an argument of its own.
pub const ARGUMENT_EXPECTED: &str = "expectedUpdatedAt";

/// Writes `model` to row `id` of `E` if its `updated_at` is still the expected one (whatever it
/// is, when `None`; with it, the field that gave it), and reads the row back. A row changed
/// meanwhile is a `CONFLICT` on that field that gives `seen`, the `updated_at` the caller was
/// shown.
pub async fn update_unless_stale<E, C>(
    db: &C,
    model: E::ActiveModel,
    (id_column, updated_at_column): (E::Column, E::Column),
    id: i64,
    expected: Option<(DateTime<Utc>, &str)>,
    seen: DateTime<Utc>,
    what: &str,
) -> AppResult<E::Model>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    let mut update = E::update_many().set(model).filter(id_column.eq(id));
    if let Some((expected, _)) = expected {
        update = update.filter(updated_at_column.eq(expected));
    }
    if update.exec(db).await?.rows_affected == 0 {
        let field = expected.map_or(INPUT_EXPECTED, |(_, field)| field);
        return Err(stale(field, what, seen));
    }
    E::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no {what} {id}")))
}

/// A stale `expectedUpdatedAt`, given in `field`.
pub fn stale(field: &str, what: &str, current: DateTime<Utc>) -> AppError {
    AppError::conflict(
        field,
        format!(
            "the {what} was changed by someone else (now updated at {}); reload it and try again",
            current.to_rfc3339()
        ),
    )
}

/// Parses a GraphQL id.
pub fn id(name: &str, value: &str) -> AppResult<i64> {
    value
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::bad_input(name, "is not an id"))
}

/// Ids of a producer's products.
pub async fn products_of_producer<C: ConnectionTrait>(
    db: &C,
    producer_id: i64,
) -> Result<Vec<i64>, DbErr> {
    product::Entity::find()
        .select_only()
        .column(product::Column::Id)
        .filter(product::Column::ProducerId.eq(producer_id))
        .into_tuple()
        .all(db)
        .await
}
