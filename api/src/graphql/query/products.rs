//! Product lists and product pages.

use crate::{
    domain::PageSize,
    error::AppError,
    graphql::{
        caller, known_catalogue, loaders,
        loaders::ProducerId,
        prefetch, shared, today,
        types::{
            enums::{CertificationFilter, ProducerKind, ProductSort, ProductStatus},
            page_info::PageInfo,
            producer::Producer,
            product::Product,
            scalars::DateTimeUtc,
        },
    },
    services::{
        ProductFilter as Filter, ProductFilterInput,
        products::{self, After},
    },
};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

/// Narrows a product list. Values within a field are alternatives; fields combine.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "ProductFilter")]
pub struct ProductFilterArg {
    /// Current province codes, e.g. `["22"]`.
    pub province_codes: Option<Vec<String>>,
    /// Region codes (see `regions`).
    pub region_codes: Option<Vec<String>>,
    /// Category codes at any level: a group includes every product set beneath it.
    pub category_codes: Option<Vec<String>>,
    /// Minimum stars of the current certificate (1–5).
    pub min_stars: Option<i32>,
    /// Certification state; default VALID (valid now, those expiring soon included).
    pub certification: Option<CertificationFilter>,
    /// Producer legal forms.
    pub producer_kinds: Option<Vec<ProducerKind>>,
    /// Only products listed by this outlet.
    pub outlet_id: Option<ID>,
    /// Only products changed at or after this time (incremental sync).
    pub updated_since: Option<DateTimeUtc>,
    /// Publication states (default PUBLISHED; DRAFT and ARCHIVED need a partner, editor or admin key).
    pub statuses: Option<Vec<ProductStatus>>,
}

impl From<ProductFilterArg> for ProductFilterInput {
    fn from(a: ProductFilterArg) -> Self {
        Self {
            province_codes: a.province_codes,
            region_codes: a.region_codes,
            category_codes: a.category_codes,
            min_stars: a.min_stars,
            certification: a.certification.map(Into::into),
            producer_kinds: a
                .producer_kinds
                .map(|v| v.into_iter().map(Into::into).collect()),
            outlet_id: a.outlet_id.map(|id| id.0),
            updated_since: a.updated_since.map(|t| t.0),
            statuses: a.statuses.map(|v| v.into_iter().map(Into::into).collect()),
        }
    }
}

/// An edge of a product connection.
#[derive(SimpleObject)]
pub struct ProductEdge {
    /// Opaque cursor of this edge.
    pub cursor: String,
    /// The product.
    pub node: Product,
}

/// A page of products.
#[derive(SimpleObject)]
pub struct ProductConnection {
    /// Number of products matching the filter (all pages).
    pub total_count: u64,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// The products of this page.
    pub edges: Vec<ProductEdge>,
}

/// Queries over products.
#[derive(Default)]
pub struct ProductQuery;

#[Object]
impl ProductQuery {
    /// Published products, filtered and sorted, as a Relay connection. `first` defaults to 20
    /// and is capped at 100; cursors stay valid when products are added.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to include (default: products with a valid certificate).")]
        filter: Option<ProductFilterArg>,
        #[graphql(desc = "Page size (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Order (default NEWEST).")] sort: Option<ProductSort>,
    ) -> Result<ProductConnection> {
        let shared = shared(ctx);
        let today = today(ctx);
        let first = PageSize::parse(first).map_err(|m| AppError::bad_input("first", m))?;
        let sort = sort.unwrap_or_default().into();
        let read_private = caller(ctx)?.reads_private();
        let filter = Filter::parse(
            filter.unwrap_or_default().into(),
            &shared.reference,
            "filter",
            read_private,
        )?;
        let after = after.map(|c| After::parse(&c, sort, "after")).transpose()?;
        let condition = filter.condition(&shared.reference, today);
        let page = products::list(
            &shared.db,
            condition.clone(),
            &filter,
            sort,
            first.get(),
            after,
            today,
        )
        .await?;
        let models: Vec<_> = page.items.iter().map(|(p, _)| p).collect();
        prefetch::products(ctx, &ctx.look_ahead().field("edges").field("node"), &models).await?;
        let total_count = if ctx.look_ahead().field("totalCount").exists() {
            shared
                .counts
                .products(&shared.db, known_catalogue(ctx), condition)
                .await?
        } else {
            0
        };
        let page_info = PageInfo::new(page.items.iter().map(|(_, c)| c), page.has_next_page);
        let edges = page
            .items
            .into_iter()
            .map(|(p, cursor)| ProductEdge {
                cursor,
                node: Product(p),
            })
            .collect();
        Ok(ProductConnection {
            total_count,
            page_info,
            edges,
        })
    }

    /// A product by slug; null when there is none. Unpublished products are returned only to
    /// partner, editor and admin keys.
    async fn product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product's slug.")] slug: String,
    ) -> Result<Option<Product>> {
        let any = caller(ctx)?.reads_private();
        Ok(products::by_slug(&shared(ctx).db, &slug, any)
            .await?
            .map(Product))
    }

    /// A product by id (what mutations return); same visibility as `product`.
    async fn product_by_id(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product's id.")] id: ID,
    ) -> Result<Option<Product>> {
        let Ok(id) = id.parse::<i64>() else {
            return Ok(None);
        };
        let any = caller(ctx)?.reads_private();
        Ok(products::by_id(&shared(ctx).db, id, any)
            .await?
            .map(Product))
    }

    /// A producer by id; null when there is none.
    async fn producer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The producer's id.")] id: ID,
    ) -> Result<Option<Producer>> {
        let Ok(id) = id.parse::<i64>() else {
            return Ok(None);
        };
        let found = loaders(ctx)?
            .load_one(ProducerId(id))
            .await
            .map_err(AppError::from)?;
        Ok(found.map(Producer))
    }
}
