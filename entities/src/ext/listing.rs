//! Conditions on listings that look at the listed product or the outlet.
//!
//! Both are correlated `EXISTS` tests, one primary-key read per listing: an `IN (SELECT …)`
//! would first gather the ids of every published product or active outlet in the catalogue.

use sea_orm::{
    ColumnTrait, EntityName,
    sea_query::{Expr, ExprTrait, Query, SimpleExpr},
};

use crate::{
    listing,
    outlet::{self, OutletStatus},
    product::{self, ProductStatus},
};

/// The listed product is published.
pub fn of_published_product() -> SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(product::Entity.table_ref())
            .and_where(
                Expr::col((product::Entity, product::Column::Id))
                    .equals((listing::Entity, listing::Column::ProductId)),
            )
            .and_where(product::Column::Status.eq(ProductStatus::Published))
            .to_owned(),
    )
}

/// The listing outlet is active.
pub fn at_active_outlet() -> SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(outlet::Entity.table_ref())
            .and_where(
                Expr::col((outlet::Entity, outlet::Column::Id))
                    .equals((listing::Entity, listing::Column::OutletId)),
            )
            .and_where(outlet::Column::Status.eq(OutletStatus::Active))
            .to_owned(),
    )
}
