//! Outlets.

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use super::{
    enums,
    geo::GeoPoint,
    listing::{ListingConnection, ListingEdge},
    nodes::Listing,
    page_info::PageInfo,
    reference::{Province, Ward},
    scalars::DateTimeUtc,
};
use crate::{
    domain::PageSize,
    error::AppError,
    graphql::{prefetch, shared},
    services::outlets,
};

pub use super::nodes::Outlet;

#[Object]
impl Outlet {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL key, unique among outlets.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Location type (950/QĐ-BCT).
    async fn kind(&self) -> enums::OutletKind {
        self.0.kind.into()
    }

    /// Street address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// Province.
    async fn province(&self, ctx: &Context<'_>) -> Result<Province> {
        Ok(Province::of(ctx, &self.0.province_code)?)
    }

    /// Ward.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        Ok(Ward::of(ctx, &self.0.ward_code)?)
    }

    /// Where it is.
    async fn location(&self) -> GeoPoint {
        GeoPoint {
            lat: self.0.lat,
            lng: self.0.lng,
        }
    }

    /// Contact phone.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// Opening hours as displayed, e.g. "07:30–21:00".
    async fn opening_hours(&self) -> Option<&str> {
        self.0.opening_hours.as_deref()
    }

    /// Who runs it.
    async fn operator(&self) -> Option<&str> {
        self.0.operator.as_deref()
    }

    /// Open or archived.
    async fn status(&self) -> enums::OutletStatus {
        self.0.status.into()
    }

    /// The shelf: published products this outlet lists, by product; `first` defaults to 20
    /// and is capped at 100.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn listings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> Result<ListingConnection> {
        let first = PageSize::parse(first).map_err(|m| AppError::bad_input("first", m))?;
        let db = &shared(ctx).db;
        let page = outlets::shelf(db, self.0.id, first.get(), after.as_deref()).await?;
        let models: Vec<_> = page.items.iter().map(|(l, _)| l).collect();
        prefetch::listings(ctx, &ctx.look_ahead().field("edges").field("node"), &models).await?;
        let total_count = if ctx.look_ahead().field("totalCount").exists() {
            outlets::shelf_count(db, self.0.id).await?
        } else {
            0
        };
        let page_info = PageInfo::new(page.items.iter().map(|(_, c)| c), page.has_next_page);
        let edges = page
            .items
            .into_iter()
            .map(|(l, cursor)| ListingEdge {
                cursor,
                node: Listing(l),
            })
            .collect();
        Ok(ListingConnection {
            total_count,
            page_info,
            edges,
        })
    }

    /// When the record last changed.
    async fn updated_at(&self) -> DateTimeUtc {
        DateTimeUtc(self.0.updated_at)
    }
}

/// An edge of an outlet connection.
#[derive(SimpleObject)]
pub struct OutletEdge {
    /// Opaque cursor of this edge.
    pub cursor: String,
    /// Kilometres from the `near` point; null without one.
    pub distance_km: Option<f64>,
    /// The outlet.
    pub node: Outlet,
}

/// A page of outlets.
#[derive(SimpleObject)]
pub struct OutletConnection {
    /// Number of outlets matching the filter.
    pub total_count: u64,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// The outlets of this page.
    pub edges: Vec<OutletEdge>,
}
