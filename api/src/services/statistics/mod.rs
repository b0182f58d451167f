//! Programme statistics: the counts a provincial OCOP office reports, grouped by any of
//! province, region, category group, product set, stars, producer kind and year certified.
//!
//! - **Products** are those matching the filter whose *current certificate on `asOf`* is valid
//!   then: of the certificates issued by `asOf` and not revoked by then, the latest (by issue
//!   date, then id), if `asOf` falls before its expiry. On today's date this is exactly the
//!   rule `products` lists by, so the two agree; for today the counts come from the summary
//!   each product row keeps, for another date from the certificates' history.
//! - **Producers** are the distinct producers of those products.
//! - **Certificates** issued, expired (their expiry date) and revoked within `[from, to]`, of
//!   products matching the filter; STARS and YEAR_CERTIFIED group them by their own stars and
//!   issue year.
//! - **Outlets** are the active outlets, only when rows are grouped by nothing but PROVINCE and
//!   REGION (an outlet has no stars or product set).
//!
//! SQL ([`sql`]) does the grouping on the columns the rows need; the few resulting groups are folded
//! into rows here (a product set into its group, a province into its region, a date into its
//! year).

mod sql;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use ocop_entities::producer::ProducerKind;
use sea_orm::{ConnectionTrait, DbErr, prelude::Date};

use super::{CertificationFilter, ProductFilter};
use crate::{
    error::{AppError, AppResult},
    reference::ReferenceData,
};

/// What rows can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// Current province.
    Province,
    /// Region.
    Region,
    /// Top-level category group.
    CategoryGroup,
    /// Product set (a leaf of the category tree).
    ProductSet,
    /// Stars.
    Stars,
    /// Producer legal form.
    ProducerKind,
    /// Year the (counted) certificate was issued.
    YearCertified,
}

/// Which counts to compute (the others stay zero or absent).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measures {
    /// Products and their split by stars.
    pub products: bool,
    /// Distinct producers.
    pub producers: bool,
    /// Certificates issued, expired and revoked in the period.
    pub certificates: bool,
    /// Active outlets.
    pub outlets: bool,
}

/// A statistics request, checked.
#[derive(Clone, Debug)]
pub struct StatisticsQuery {
    /// Which products count (its certification state must be VALID, the default).
    pub filter: ProductFilter,
    /// Grouping, in the order given.
    pub group_by: Vec<Dimension>,
    /// The day products are judged on.
    pub as_of: NaiveDate,
    /// First day of the period certificates are counted in.
    pub from: NaiveDate,
    /// Last day of that period.
    pub to: NaiveDate,
    /// What to count.
    pub measures: Measures,
}

/// The key of one row: the values of the dimensions grouped by, the others `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// Province code.
    pub province: Option<String>,
    /// Region code.
    pub region: Option<String>,
    /// Category group code.
    pub category_group: Option<String>,
    /// Product set code.
    pub product_set: Option<String>,
    /// Stars.
    pub stars: Option<i32>,
    /// Producer kind.
    pub producer_kind: Option<ProducerKind>,
    /// Year certified.
    pub year: Option<i32>,
}

/// One row of counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// What the row counts.
    pub key: Key,
    /// Products with a valid certificate on `asOf`.
    pub products: u64,
    /// Of those, with 3, 4 and 5 stars.
    pub by_stars: [u64; 3],
    /// Distinct producers of those products.
    pub producers: u64,
    /// Certificates issued in the period.
    pub certificates_issued: u64,
    /// Certificates that expired in the period.
    pub certificates_expired: u64,
    /// Certificates revoked in the period.
    pub certificates_revoked: u64,
    /// Active outlets (only for rows grouped by province or region alone).
    pub outlets: Option<u64>,
}

/// Longest period certificates are counted over.
const MAX_PERIOD_DAYS: i64 = 366 * 100;

impl StatisticsQuery {
    /// Checks the parts a parsed filter does not.
    pub fn check(&self) -> AppResult<()> {
        if self.filter.certification != CertificationFilter::Valid {
            return Err(AppError::bad_input(
                "filter.certification",
                "statistics count products with a valid certificate on asOf; leave it out",
            ));
        }
        if self.from > self.to || (self.to - self.from).num_days() > MAX_PERIOD_DAYS {
            return Err(AppError::bad_input(
                "from",
                "the period must start on or before its end, and span at most 100 years",
            ));
        }
        Ok(())
    }

    fn wants(&self, d: Dimension) -> bool {
        self.group_by.contains(&d)
    }
}

/// Computes the rows, sorted by key.
#[tracing::instrument(skip_all, fields(group_by = ?q.group_by, as_of = %q.as_of))]
pub async fn compute<C: ConnectionTrait>(
    db: &C,
    reference: &ReferenceData,
    q: &StatisticsQuery,
    today: NaiveDate,
) -> Result<Vec<Row>, DbErr> {
    let mut rows: BTreeMap<Key, Row> = BTreeMap::new();
    let mut producers: HashMap<Key, HashSet<i64>> = HashMap::new();
    if q.measures.products || q.measures.producers {
        let counted = if q.as_of == today {
            sql::counted_today(db, reference, q).await?
        } else {
            sql::counted_on(db, reference, q).await?
        };
        for c in counted {
            let key = key_of(reference, q, &c.fine);
            let row = rows.entry(key.clone()).or_default();
            row.products += c.n;
            for (total, n) in row.by_stars.iter_mut().zip(c.by_stars) {
                *total += n;
            }
            row.producers += c.producers;
            if let Some(p) = c.producer_id {
                producers.entry(key).or_default().insert(p);
            }
        }
    }
    if q.measures.certificates {
        for (fine, [issued, expired, revoked]) in sql::certificates(db, reference, q).await? {
            let row = rows.entry(key_of(reference, q, &fine)).or_default();
            row.certificates_issued += issued;
            row.certificates_expired += expired;
            row.certificates_revoked += revoked;
        }
    }
    let by_place_only = q
        .group_by
        .iter()
        .all(|d| matches!(d, Dimension::Province | Dimension::Region));
    if q.measures.outlets && by_place_only {
        for (province, n) in sql::outlets(db, reference, q).await? {
            let fine = Fine {
                province: Some(province),
                ..Fine::default()
            };
            let row = rows.entry(key_of(reference, q, &fine)).or_default();
            *row.outlets.get_or_insert(0) += n;
        }
        for row in rows.values_mut() {
            row.outlets.get_or_insert(0);
        }
    }
    if q.group_by.is_empty() && rows.is_empty() {
        rows.insert(
            Key::default(),
            Row {
                outlets: q.measures.outlets.then_some(0),
                ..Row::default()
            },
        );
    }
    Ok(rows
        .into_iter()
        .map(|(key, mut row)| {
            if let Some(set) = producers.get(&key) {
                row.producers = set.len() as u64;
            }
            row.key = key;
            row
        })
        .collect())
}

/// The finest grouping SQL returns: the columns the requested dimensions need.
#[derive(Clone, Debug, Default)]
struct Fine {
    province: Option<String>,
    category: Option<String>,
    stars: Option<i32>,
    kind: Option<ProducerKind>,
    issued_on: Option<Date>,
}

/// A group of counted products.
struct Counted {
    fine: Fine,
    /// The group's one producer, when producers are counted after folding.
    producer_id: Option<i64>,
    /// Its distinct producers, when SQL counted them (its group is one row).
    producers: u64,
    n: u64,
    /// Of `n`, with 3, 4 and 5 stars.
    by_stars: [u64; 3],
}

fn key_of(reference: &ReferenceData, q: &StatisticsQuery, f: &Fine) -> Key {
    let province = f.province.as_deref().and_then(|p| reference.province(p));
    Key {
        province: q
            .wants(Dimension::Province)
            .then(|| f.province.clone())
            .flatten(),
        region: q
            .wants(Dimension::Region)
            .then(|| province.map(|p| p.region_code.clone()))
            .flatten(),
        category_group: q
            .wants(Dimension::CategoryGroup)
            .then(|| {
                f.category
                    .as_deref()
                    .and_then(|c| reference.root_of(c))
                    .map(|c| c.code.clone())
            })
            .flatten(),
        product_set: q
            .wants(Dimension::ProductSet)
            .then(|| f.category.clone())
            .flatten(),
        stars: q.wants(Dimension::Stars).then_some(f.stars).flatten(),
        producer_kind: q.wants(Dimension::ProducerKind).then_some(f.kind).flatten(),
        year: q
            .wants(Dimension::YearCertified)
            .then(|| f.issued_on.map(|d| d.year()))
            .flatten(),
    }
}
