//! `listings`: which outlet stocks which product, at what price.

use sea_orm::entity::prelude::*;

/// A product on an outlet's shelf.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "listings")]
pub struct Model {
    /// The outlet.
    #[sea_orm(primary_key, auto_increment = false)]
    pub outlet_id: i64,
    /// The product.
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i64,
    /// Shelf price in VND, if shown.
    pub price_vnd: Option<i64>,
    /// Whether it is in stock.
    pub in_stock: bool,
    /// When the listing was last changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
