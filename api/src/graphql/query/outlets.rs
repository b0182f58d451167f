//! Outlets: by province and kind, or nearest first.

use async_graphql::{Context, InputObject, Object, Result};

use crate::{
    domain::PageSize,
    error::AppError,
    graphql::{
        shared,
        types::{
            enums::OutletKind,
            geo::GeoPointInput,
            outlet::{Outlet, OutletConnection, OutletEdge},
            page_info::PageInfo,
        },
    },
    services::outlets::{self, OutletFilter},
};

/// Narrows an outlet list.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "OutletFilter")]
pub struct OutletFilterArg {
    /// Current province codes.
    pub province_codes: Option<Vec<String>>,
    /// Location types.
    pub kinds: Option<Vec<OutletKind>>,
}

impl OutletFilterArg {
    /// The service's filter for an optional argument: province codes checked against the
    /// reference data, errors on `filter.…`.
    pub fn parse(
        arg: Option<Self>,
        reference: &crate::reference::ReferenceData,
    ) -> Result<OutletFilter, AppError> {
        let arg = arg.unwrap_or_default();
        OutletFilter::parse(
            arg.province_codes,
            arg.kinds.map(|k| k.into_iter().map(Into::into).collect()),
            reference,
            "filter",
        )
    }
}

/// Queries over outlets.
#[derive(Default)]
pub struct OutletQuery;

#[Object]
impl OutletQuery {
    /// Active outlets as a Relay connection: by id, or nearest first with `distanceKm` on each
    /// edge when `near` is given.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn outlets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to include.")] filter: Option<OutletFilterArg>,
        #[graphql(desc = "Order by distance from this point.")] near: Option<GeoPointInput>,
        #[graphql(desc = "Page size (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> Result<OutletConnection> {
        let shared = shared(ctx);
        let first = PageSize::parse(first).map_err(|m| AppError::bad_input("first", m))?;
        let near = near.map(|p| p.parse("near")).transpose()?;
        let filter = OutletFilterArg::parse(filter, &shared.reference)?;
        let page = outlets::list(&shared.db, &filter, near, first.get(), after.as_deref()).await?;
        let total_count = if ctx.look_ahead().field("totalCount").exists() {
            outlets::count(&shared.db, &filter).await?
        } else {
            0
        };
        let page_info = PageInfo::new(page.items.iter().map(|(_, c)| c), page.has_next_page);
        let edges = page
            .items
            .into_iter()
            .map(|(hit, cursor)| OutletEdge {
                cursor,
                distance_km: hit.distance_km,
                node: Outlet(hit.outlet),
            })
            .collect();
        Ok(OutletConnection {
            total_count,
            page_info,
            edges,
        })
    }

    /// An active outlet by slug (the kiosk view); null when there is none.
    async fn outlet(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The outlet's slug.")] slug: String,
    ) -> Result<Option<Outlet>> {
        Ok(outlets::active_by_slug(&shared(ctx).db, &slug)
            .await?
            .map(Outlet))
    }
}
