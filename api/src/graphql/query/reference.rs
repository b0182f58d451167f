//! Reference data: regions, provinces, wards, categories.

use async_graphql::{Context, Object, Result};

use crate::{
    error::AppError,
    graphql::{
        shared,
        types::{
            category::Category,
            reference::{Province, Region, Ward},
        },
    },
};

/// Queries over reference data (answered from memory, without SQL).
#[derive(Default)]
pub struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// The six socio-economic regions, north to south.
    async fn regions(&self, ctx: &Context<'_>) -> Vec<Region> {
        shared(ctx)
            .reference
            .regions()
            .iter()
            .cloned()
            .map(Region)
            .collect()
    }

    /// The 34 provinces and centrally-run cities, by code.
    async fn provinces(&self, ctx: &Context<'_>) -> Vec<Province> {
        shared(ctx)
            .reference
            .provinces()
            .iter()
            .cloned()
            .map(Province)
            .collect()
    }

    /// A province by its two-digit code; null when unknown.
    async fn province(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Two-digit code, e.g. \"22\".")] code: String,
    ) -> Option<Province> {
        shared(ctx).reference.province(&code).cloned().map(Province)
    }

    /// The commune-level units of a province, by code.
    async fn wards(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Two-digit province code, e.g. \"22\".")] province_code: String,
    ) -> Result<Vec<Ward>> {
        let reference = &shared(ctx).reference;
        if reference.province(&province_code).is_none() {
            let shown: String = province_code.chars().take(40).collect();
            return Err(AppError::bad_input(
                "provinceCode",
                format!("unknown province code \"{shown}\""),
            )
            .into());
        }
        Ok(reference
            .wards_of_province(&province_code)
            .cloned()
            .map(Ward)
            .collect())
    }

    /// A ward by its five-digit code; null when unknown.
    async fn ward(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Five-digit code, e.g. \"06733\".")] code: String,
    ) -> Option<Ward> {
        shared(ctx).reference.ward(&code).cloned().map(Ward)
    }

    /// The six top-level product groups; follow `children` down to the 26 product sets.
    async fn categories(&self, ctx: &Context<'_>) -> Vec<Category> {
        shared(ctx)
            .reference
            .categories()
            .iter()
            .filter(|c| c.parent_code.is_none())
            .cloned()
            .map(Category)
            .collect()
    }

    /// A category by code; null when unknown.
    async fn category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Category code, e.g. \"I.4.a\".")] code: String,
    ) -> Option<Category> {
        shared(ctx).reference.category(&code).cloned().map(Category)
    }

    /// The current province for a current or former (pre-July-2025) province name or an
    /// everyday alias, in any case, with or without accents; null when unknown.
    /// `"quang binh"` → Quảng Trị, `"Bình Dương"` → Thành phố Hồ Chí Minh.
    async fn resolve_province(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A province name.")] name: String,
    ) -> Option<Province> {
        if name.len() > 200 {
            return None;
        }
        shared(ctx)
            .reference
            .resolve_province(&name)
            .cloned()
            .map(Province)
    }
}
