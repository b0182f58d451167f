//! `ocopStatistics`: the programme's figures by province, region, category, stars, producer
//! kind and year, for provincial offices' reports (also as CSV at `/statistics.csv`).

use async_graphql::{Context, Enum, Object, Result, SimpleObject};
use chrono::{Datelike, NaiveDate};

use super::products::ProductFilterArg;
use crate::{
    error::AppError,
    graphql::{
        caller, shared, today,
        types::{
            category::Category,
            enums::ProducerKind,
            reference::{Province, Region},
            scalars::Date,
        },
    },
    reference::ReferenceData,
    services::{
        ProductFilter,
        statistics::{self, Dimension, Measures, Row, StatisticsQuery},
    },
};

/// What statistics rows can be grouped by.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "statistics::Dimension")]
pub enum StatisticsDimension {
    /// Current province (34).
    Province,
    /// Region.
    Region,
    /// Top-level category group (6).
    CategoryGroup,
    /// Product set (26).
    ProductSet,
    /// Stars (of the counted certificate).
    Stars,
    /// Producer legal form.
    ProducerKind,
    /// Year the counted certificate was issued.
    YearCertified,
}

/// The programme's figures.
#[derive(SimpleObject)]
pub struct OcopStatistics {
    /// The day products were judged on.
    pub as_of: Date,
    /// First day of the period certificates were counted in.
    pub from: Date,
    /// Last day of that period.
    pub to: Date,
    /// One row per group (one row in all when nothing is grouped by), sorted by group.
    pub rows: Vec<StatisticsRow>,
}

/// The counts of one group.
pub struct StatisticsRow {
    row: Row,
    province: Option<Province>,
    region: Option<Region>,
    category_group: Option<Category>,
    product_set: Option<Category>,
}

impl StatisticsRow {
    /// The row with its reference records.
    pub fn new(row: Row, reference: &ReferenceData) -> Self {
        let k = &row.key;
        Self {
            province: k
                .province
                .as_deref()
                .and_then(|c| reference.province(c))
                .map(|p| Province(p.clone())),
            region: k
                .region
                .as_deref()
                .and_then(|c| reference.region(c))
                .map(|r| Region(r.clone())),
            category_group: k
                .category_group
                .as_deref()
                .and_then(|c| reference.category(c))
                .map(|c| Category(c.clone())),
            product_set: k
                .product_set
                .as_deref()
                .and_then(|c| reference.category(c))
                .map(|c| Category(c.clone())),
            row,
        }
    }
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[Object]
impl StatisticsRow {
    /// The province, when grouped by PROVINCE.
    async fn province(&self) -> Option<&Province> {
        self.province.as_ref()
    }

    /// The region, when grouped by REGION.
    async fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// The category group, when grouped by CATEGORY_GROUP.
    async fn category_group(&self) -> Option<&Category> {
        self.category_group.as_ref()
    }

    /// The product set, when grouped by PRODUCT_SET.
    async fn product_set(&self) -> Option<&Category> {
        self.product_set.as_ref()
    }

    /// The stars, when grouped by STARS.
    async fn stars(&self) -> Option<i32> {
        self.row.key.stars
    }

    /// The producer kind, when grouped by PRODUCER_KIND.
    async fn producer_kind(&self) -> Option<ProducerKind> {
        self.row.key.producer_kind.map(Into::into)
    }

    /// The year certified, when grouped by YEAR_CERTIFIED.
    async fn year_certified(&self) -> Option<i32> {
        self.row.key.year
    }

    /// Products with a valid certificate on `asOf`.
    async fn products(&self) -> i64 {
        count(self.row.products)
    }

    /// Of those, with 3 stars.
    async fn three_stars(&self) -> i64 {
        count(self.row.by_stars[0])
    }

    /// Of those, with 4 stars.
    async fn four_stars(&self) -> i64 {
        count(self.row.by_stars[1])
    }

    /// Of those, with 5 stars.
    async fn five_stars(&self) -> i64 {
        count(self.row.by_stars[2])
    }

    /// Distinct producers of those products.
    async fn producers(&self) -> i64 {
        count(self.row.producers)
    }

    /// Certificates issued in the period.
    async fn certificates_issued(&self) -> i64 {
        count(self.row.certificates_issued)
    }

    /// Certificates whose validity ended in the period (their expiry date falls in it).
    async fn certificates_expired(&self) -> i64 {
        count(self.row.certificates_expired)
    }

    /// Certificates revoked in the period.
    async fn certificates_revoked(&self) -> i64 {
        count(self.row.certificates_revoked)
    }

    /// Active display and sales points; null unless rows are grouped by PROVINCE and REGION
    /// alone (or not at all).
    async fn outlets(&self) -> Option<i64> {
        self.row.outlets.map(count)
    }
}

/// The statistics query.
#[derive(Default)]
pub struct StatisticsQueryRoot;

/// Checks the arguments of a statistics request (shared with `/statistics.csv`).
#[allow(clippy::too_many_arguments)]
pub fn statistics_query(
    reference: &ReferenceData,
    filter: Option<ProductFilterArg>,
    group_by: Vec<Dimension>,
    as_of: Option<NaiveDate>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    read_private: bool,
    today: NaiveDate,
    measures: Measures,
) -> Result<StatisticsQuery, AppError> {
    let filter = ProductFilter::parse(
        filter.unwrap_or_default().into(),
        reference,
        "filter",
        read_private,
    )?;
    let mut dims = group_by;
    dims.dedup();
    let as_of = as_of.unwrap_or(today);
    let q = StatisticsQuery {
        filter,
        group_by: dims,
        as_of,
        from: from.unwrap_or_else(|| as_of.with_ordinal(1).unwrap_or(as_of)),
        to: to.unwrap_or(as_of),
        measures,
    };
    q.check()?;
    Ok(q)
}

#[Object]
impl StatisticsQueryRoot {
    /// The programme's figures: products with a valid certificate on `asOf` (by stars), their
    /// producers, certificates issued, expired and revoked in `from`–`to`, and outlets, grouped
    /// by any of the dimensions. The figures agree with `products` and `searchProducts` totals
    /// for the same filter. Also at `GET /statistics.csv` with the same parameters.
    #[allow(clippy::too_many_arguments)]
    async fn ocop_statistics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which products count (its `certification` must be left out).")]
        filter: Option<ProductFilterArg>,
        #[graphql(desc = "Dimensions to group by, in any combination (none: one row in all).")]
        group_by: Option<Vec<StatisticsDimension>>,
        #[graphql(desc = "The day products are judged on (default: today in Việt Nam).")]
        as_of: Option<Date>,
        #[graphql(
            desc = "First day of the period certificates are counted in (default: 1 \
                          January of asOf's year)."
        )]
        from: Option<Date>,
        #[graphql(desc = "Last day of that period (default: asOf).")] to: Option<Date>,
    ) -> Result<OcopStatistics> {
        let shared = shared(ctx);
        let rows = ctx.look_ahead().field("rows");
        let wants = |f: &str| rows.field(f).exists();
        let measures = Measures {
            products: ["products", "threeStars", "fourStars", "fiveStars"]
                .iter()
                .any(|f| wants(f)),
            producers: wants("producers"),
            certificates: [
                "certificatesIssued",
                "certificatesExpired",
                "certificatesRevoked",
            ]
            .iter()
            .any(|f| wants(f)),
            outlets: wants("outlets"),
        };
        let q = statistics_query(
            &shared.reference,
            filter,
            group_by
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            as_of.map(|d| d.0),
            from.map(|d| d.0),
            to.map(|d| d.0),
            caller(ctx)?.reads_private(),
            today(ctx),
            measures,
        )?;
        let rows = statistics::compute(&shared.db, &shared.reference, &q, today(ctx))
            .await
            .map_err(AppError::from)?;
        Ok(OcopStatistics {
            as_of: Date(q.as_of),
            from: Date(q.from),
            to: Date(q.to),
            rows: rows
                .into_iter()
                .map(|r| StatisticsRow::new(r, &shared.reference))
                .collect(),
        })
    }
}
