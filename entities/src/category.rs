//! `categories`: the OCOP product taxonomy (6 groups → 17 → 26 product sets).

use sea_orm::entity::prelude::*;

/// A node of the category tree; the leaves are the 26 OCOP product sets ("bộ sản phẩm").
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "categories")]
pub struct Model {
    /// Hierarchical code, e.g. `"I"`, `"I.4"`, `"I.4.a"`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Code of the parent node; `None` for the six top-level groups.
    pub parent_code: Option<String>,
    /// Depth in the tree: 1, 2 or 3.
    pub level: i32,
    /// Number of the product set (1–26) on leaves, `None` on inner nodes.
    pub set_number: Option<i32>,
    /// Vietnamese name.
    pub name: String,
    /// Managing ministry (leaves only).
    pub managing_ministry: Option<String>,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
