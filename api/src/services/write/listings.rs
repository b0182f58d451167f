//! Keeping an outlet's shelf: what it stocks, at what price.

use chrono::{DateTime, Utc};
use ocop_entities::{
    ext::change_log::{Change, ChangeOp},
    listing,
    outlet::{self, OutletStatus},
    product,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::{ARGUMENT_EXPECTED, UnitOfWork, Writer, field, stale};
use crate::{
    clock,
    domain::Vnd,
    error::{AppError, AppResult},
    services::audit::{self, Entry, snapshot},
};

async fn outlet_and_product(
    w: &Writer<'_>,
    outlet_id: i64,
    product_id: i64,
) -> AppResult<(outlet::Model, product::Model)> {
    let outlet = outlet::Entity::find_by_id(outlet_id)
        .one(w.db)
        .await?
        .filter(|o| o.status == OutletStatus::Active)
        .ok_or_else(|| AppError::NotFound(format!("no active outlet {outlet_id}")))?;
    w.caller.require_shelf(outlet.id, &outlet.province_code)?;
    let product = product::Entity::find_by_id(product_id)
        .one(w.db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no product {product_id}")))?;
    Ok((outlet, product))
}

/// Puts a product on an outlet's shelf, or changes its price and stock.
#[tracing::instrument(skip_all, fields(outlet_id = outlet_id, product_id = product_id))]
pub async fn set(
    w: Writer<'_>,
    outlet_id: i64,
    product_id: i64,
    price_vnd: Option<i64>,
    in_stock: bool,
    expected_updated_at: Option<DateTime<Utc>>,
) -> AppResult<listing::Model> {
    let price = price_vnd
        .map(|p| {
            field("priceVnd", Vnd::parse(p)).map_err(|_| {
                AppError::bad_input(
                    "priceVnd",
                    format!(
                        "must be between 0 and {} VND",
                        crate::domain::money::MAX_VND
                    ),
                )
            })
        })
        .transpose()?;
    let (outlet, product) = outlet_and_product(&w, outlet_id, product_id).await?;
    let mut work = UnitOfWork::begin(w).await?;
    let before = listing::Entity::find_by_id((outlet.id, product.id))
        .one(work.txn())
        .await?;
    let model = listing::ActiveModel {
        outlet_id: Set(outlet.id),
        product_id: Set(product.id),
        price_vnd: Set(price.map(Vnd::get)),
        in_stock: Set(in_stock),
        updated_at: Set(clock::now()),
    };
    let after = match (&before, expected_updated_at) {
        (Some(seen), Some(expected)) => {
            // Conditional in SQL, so that a change committed meanwhile on another connection
            // is not overwritten either.
            let updated = listing::Entity::update_many()
                .set(model)
                .filter(listing::Column::OutletId.eq(outlet.id))
                .filter(listing::Column::ProductId.eq(product.id))
                .filter(listing::Column::UpdatedAt.eq(expected))
                .exec(work.txn())
                .await?;
            if updated.rows_affected == 0 {
                return Err(stale(ARGUMENT_EXPECTED, "listing", seen.updated_at));
            }
            listing::Entity::find_by_id((outlet.id, product.id))
                .one(work.txn())
                .await?
                .ok_or_else(|| AppError::NotFound("the listing is gone".into()))?
        }
        (None, Some(_)) => {
            return Err(AppError::conflict(
                ARGUMENT_EXPECTED,
                "the product is no longer on this shelf; reload it and try again",
            ));
        }
        (Some(_), None) => model.update(work.txn()).await?,
        (None, None) => model.insert(work.txn()).await?,
    };
    work.audit(Entry {
        entity_type: audit::Subject::Listing,
        entity_id: product.id,
        operation: audit::Operation::SetListing,
        province: Some(&outlet.province_code),
        before: before.as_ref().and_then(snapshot),
        after: snapshot(&after),
    })
    .await?;
    let op = if before.is_some() {
        ChangeOp::Updated
    } else {
        ChangeOp::Created
    };
    work.commit(&[Change::listing(outlet.id, product.id, op)])
        .await?;
    Ok(after)
}

/// Takes a product off an outlet's shelf; `false` when it was not there.
#[tracing::instrument(skip_all, fields(outlet_id = outlet_id, product_id = product_id))]
pub async fn remove(w: Writer<'_>, outlet_id: i64, product_id: i64) -> AppResult<bool> {
    let (outlet, product) = outlet_and_product(&w, outlet_id, product_id).await?;
    let mut work = UnitOfWork::begin(w).await?;
    let Some(before) = listing::Entity::find_by_id((outlet.id, product.id))
        .one(work.txn())
        .await?
    else {
        return Ok(false);
    };
    listing::Entity::delete_by_id((outlet.id, product.id))
        .exec(work.txn())
        .await?;
    work.audit(Entry {
        entity_type: audit::Subject::Listing,
        entity_id: product.id,
        operation: audit::Operation::RemoveListing,
        province: Some(&outlet.province_code),
        before: snapshot(&before),
        after: None,
    })
    .await?;
    work.commit(&[Change::listing(outlet.id, product.id, ChangeOp::Removed)])
        .await?;
    Ok(true)
}
