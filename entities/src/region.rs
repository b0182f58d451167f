//! `regions`: the six socio-economic regions (post-2025 grouping), stored as data.

use sea_orm::entity::prelude::*;

/// A socio-economic region ("vùng kinh tế – xã hội").
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    /// Stable short code, e.g. `"DBSH"`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Vietnamese name, e.g. "Đồng bằng sông Hồng".
    pub name: String,
    /// Display order (north to south).
    pub sort_order: i32,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
