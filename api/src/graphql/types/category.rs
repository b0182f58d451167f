//! The OCOP product taxonomy.

use async_graphql::{Context, Object};
use ocop_entities::category;

use crate::graphql::shared;

/// A node of the OCOP category tree: 6 groups → 17 → the 26 product sets (the leaves).
pub struct Category(pub category::Model);

#[Object]
impl Category {
    /// Hierarchical code, e.g. `"I"`, `"I.4"`, `"I.4.a"`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Vietnamese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Depth: 1 for the six groups, 2 or 3 below.
    async fn level(&self) -> i32 {
        self.0.level
    }

    /// Whether this is a product set ("bộ sản phẩm"), the level products are certified in.
    async fn is_leaf(&self, ctx: &Context<'_>) -> bool {
        shared(ctx).reference.is_leaf(&self.0.code)
    }

    /// Number of the product set (1–26) in Annex I of 148/QĐ-TTg; null on inner nodes.
    async fn set_number(&self) -> Option<i32> {
        self.0.set_number
    }

    /// The ministry or ministries managing the product set.
    async fn managing_ministry(&self) -> Option<&str> {
        self.0.managing_ministry.as_deref()
    }

    /// The parent node; null for the six groups.
    async fn parent(&self, ctx: &Context<'_>) -> Option<Category> {
        let parent = self.0.parent_code.as_deref()?;
        shared(ctx)
            .reference
            .category(parent)
            .cloned()
            .map(Category)
    }

    /// The child nodes, by code.
    async fn children(&self, ctx: &Context<'_>) -> Vec<Category> {
        shared(ctx)
            .reference
            .children_of(&self.0.code)
            .cloned()
            .map(Category)
            .collect()
    }
}
