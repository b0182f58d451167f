//! The product filter shared by lists and search: parsed once against the reference data, then
//! turned into SQL conditions (lists) or search-engine filters (search).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ocop_entities::{
    listing, producer,
    producer::ProducerKind,
    product::{self, CertState, ProductStatus},
};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, Query},
};

use crate::{domain::certificate::EXPIRING_SOON_DAYS, error::AppError, reference::ReferenceData};

/// Which certification states a list includes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CertificationFilter {
    /// Currently valid, those expiring soon included (the default).
    #[default]
    Valid,
    /// Valid but expiring within 90 days.
    ExpiringSoon,
    /// The current certificate has expired.
    Expired,
    /// Every certificate was revoked.
    Revoked,
    /// Never certified (or the current certificate is not yet in force).
    None,
    /// Every product, whatever its certification.
    Any,
}

/// The filter as a client sends it, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct ProductFilterInput {
    /// Current province codes.
    pub province_codes: Option<Vec<String>>,
    /// Region codes.
    pub region_codes: Option<Vec<String>>,
    /// Category codes at any level of the tree.
    pub category_codes: Option<Vec<String>>,
    /// Minimum stars of the current certificate.
    pub min_stars: Option<i32>,
    /// Certification state (default: valid).
    pub certification: Option<CertificationFilter>,
    /// Producer legal forms.
    pub producer_kinds: Option<Vec<ProducerKind>>,
    /// Only products listed by this outlet.
    pub outlet_id: Option<String>,
    /// Only products changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
    /// Publication states (default: published only; others need a partner, editor or admin key).
    pub statuses: Option<Vec<ProductStatus>>,
}

/// A checked product filter: within a field values are alternatives (OR); fields combine (AND).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProductFilter {
    /// Province codes (empty: any).
    pub province_codes: Vec<String>,
    /// Region codes (empty: any).
    pub region_codes: Vec<String>,
    /// The product sets the requested categories cover (empty: any).
    pub category_leaves: Vec<String>,
    /// Minimum stars of the current certificate.
    pub min_stars: Option<i32>,
    /// Certification state.
    pub certification: CertificationFilter,
    /// Producer legal forms (empty: any).
    pub producer_kinds: Vec<ProducerKind>,
    /// Only products listed by this outlet.
    pub outlet_id: Option<i64>,
    /// Only products changed at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
    /// Publication states.
    pub statuses: Vec<ProductStatus>,
}

/// Most values accepted in one list-valued filter field.
pub const MAX_FILTER_VALUES: usize = 100;

impl ProductFilter {
    /// Checks every code against the reference data; `prefix` is the argument name used in
    /// error fields (e.g. `filter`). Unpublished products are for callers who `read_private`.
    pub fn parse(
        input: ProductFilterInput,
        reference: &ReferenceData,
        prefix: &str,
        read_private: bool,
    ) -> Result<Self, AppError> {
        let field = |name: &str| format!("{prefix}.{name}");
        let province_codes = checked_codes(input.province_codes, &field("provinceCodes"), |c| {
            reference.province(c).is_some()
        })?;
        let region_codes = checked_codes(input.region_codes, &field("regionCodes"), |c| {
            reference.region(c).is_some()
        })?;
        let categories = checked_codes(input.category_codes, &field("categoryCodes"), |c| {
            reference.category(c).is_some()
        })?;
        let mut category_leaves: Vec<String> = categories
            .iter()
            .flat_map(|c| reference.leaves_under(c))
            .collect();
        category_leaves.sort();
        category_leaves.dedup();
        if let Some(n) = input.min_stars
            && !(1..=5).contains(&n)
        {
            return Err(AppError::bad_input(
                field("minStars"),
                format!("must be between 1 and 5 (got {n})"),
            ));
        }
        let producer_kinds = input.producer_kinds.unwrap_or_default();
        if producer_kinds.len() > MAX_FILTER_VALUES {
            return Err(too_many(&field("producerKinds")));
        }
        let outlet_id =
            match input.outlet_id {
                None => None,
                Some(id) => Some(id.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
                    AppError::bad_input(field("outletId"), "is not an outlet id")
                })?),
            };
        let mut statuses = input
            .statuses
            .unwrap_or_else(|| vec![ProductStatus::Published]);
        statuses.sort_by_key(|s| *s as u8);
        statuses.dedup();
        if statuses.is_empty() {
            return Err(AppError::bad_input(
                field("statuses"),
                "must name at least one status",
            ));
        }
        if !read_private && statuses.iter().any(|s| *s != ProductStatus::Published) {
            return Err(AppError::Forbidden(
                "only partner, editor and admin keys see unpublished products".into(),
            ));
        }
        Ok(Self {
            statuses,
            province_codes,
            region_codes,
            category_leaves,
            min_stars: input.min_stars,
            certification: input.certification.unwrap_or_default(),
            producer_kinds,
            outlet_id,
            updated_since: input.updated_since,
        })
    }

    /// Whether every matching product has a currently valid certificate.
    pub fn implies_valid(&self) -> bool {
        matches!(
            self.certification,
            CertificationFilter::Valid | CertificationFilter::ExpiringSoon
        )
    }

    /// The SQL condition over `products`.
    pub fn condition(&self, reference: &ReferenceData, today: NaiveDate) -> Condition {
        let mut cond = Condition::all().add(product::Column::Status.is_in(self.statuses.clone()));
        if !self.province_codes.is_empty() {
            cond = cond.add(product::Column::ProvinceCode.is_in(self.province_codes.clone()));
        }
        if !self.region_codes.is_empty() {
            let codes: Vec<String> = self
                .region_codes
                .iter()
                .flat_map(|r| reference.provinces_of_region(r).map(|p| p.code.clone()))
                .collect();
            cond = cond.add(product::Column::ProvinceCode.is_in(codes));
        }
        if !self.category_leaves.is_empty() {
            cond = cond.add(product::Column::CategoryCode.is_in(self.category_leaves.clone()));
        }
        if let Some(n) = self.min_stars {
            cond = cond
                .add(product::Column::CertState.eq(CertState::Current))
                .add(product::Column::CertStars.gte(n));
        }
        cond = cond.add(certification_condition(self.certification, today));
        if !self.producer_kinds.is_empty() {
            let producers = Query::select()
                .column(producer::Column::Id)
                .from(producer::Entity)
                .and_where(producer::Column::Kind.is_in(self.producer_kinds.clone()))
                .to_owned();
            cond = cond.add(product::Column::ProducerId.in_subquery(producers));
        }
        if let Some(outlet_id) = self.outlet_id {
            let listed = Query::select()
                .column(listing::Column::ProductId)
                .from(listing::Entity)
                .and_where(listing::Column::OutletId.eq(outlet_id))
                .to_owned();
            cond = cond.add(product::Column::Id.in_subquery(listed));
        }
        if let Some(since) = self.updated_since {
            cond = cond.add(product::Column::UpdatedAt.gte(since));
        }
        cond
    }
}

/// The SQL condition for one certification state, judged on `today`.
pub fn certification_condition(filter: CertificationFilter, today: NaiveDate) -> Condition {
    let current = product::Column::CertState.eq(CertState::Current);
    let in_force = Condition::all()
        .add(current.clone())
        .add(product::Column::CertIssuedOn.lte(today))
        .add(product::Column::CertExpiresOn.gt(today));
    match filter {
        CertificationFilter::Any => Condition::all(),
        CertificationFilter::Valid => in_force,
        CertificationFilter::ExpiringSoon => in_force
            .add(product::Column::CertExpiresOn.lte(today + Duration::days(EXPIRING_SOON_DAYS))),
        CertificationFilter::Expired => Condition::all()
            .add(current)
            .add(product::Column::CertExpiresOn.lte(today)),
        CertificationFilter::Revoked => {
            Condition::all().add(product::Column::CertState.eq(CertState::Revoked))
        }
        CertificationFilter::None => Condition::any()
            .add(product::Column::CertState.eq(CertState::None))
            .add(
                Condition::all()
                    .add(current)
                    .add(product::Column::CertIssuedOn.gt(today)),
            ),
    }
}

/// The SQL expression for "stars of a currently valid certificate, else 0".
pub fn valid_stars_expr(today: NaiveDate) -> sea_orm::sea_query::SimpleExpr {
    Expr::case(
        certification_condition(CertificationFilter::Valid, today),
        Expr::col((product::Entity, product::Column::CertStars)),
    )
    .finally(0)
    .into()
}

fn checked_codes(
    codes: Option<Vec<String>>,
    field: &str,
    exists: impl Fn(&str) -> bool,
) -> Result<Vec<String>, AppError> {
    let codes = codes.unwrap_or_default();
    if codes.len() > MAX_FILTER_VALUES {
        return Err(too_many(field));
    }
    if let Some(bad) = codes.iter().find(|c| !exists(c)) {
        let shown: String = bad.chars().take(40).collect();
        return Err(AppError::bad_input(
            field,
            format!("unknown code \"{shown}\""),
        ));
    }
    let mut codes = codes;
    codes.sort();
    codes.dedup();
    Ok(codes)
}

fn too_many(field: &str) -> AppError {
    AppError::bad_input(field, format!("accepts at most {MAX_FILTER_VALUES} values"))
}
