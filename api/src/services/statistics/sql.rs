//! The statements behind [`super::compute`]: each groups by the columns the requested
//! dimensions need, and nothing else.
//!
//! Just over 300 lines: the four statements (products today, products on a past date,
//! certificates, outlets) share their grouping and are written out so each reads as it runs.

use std::collections::HashMap;

use ocop_entities::{certification, outlet, producer, product};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, JoinType, QueryFilter,
    QueryResult, QuerySelect, QueryTrait, Select, sea_query::Expr,
};

use super::{Counted, Dimension, Fine, Measures, StatisticsQuery};
use crate::{
    domain::certificate::{self, CertFacts},
    reference::ReferenceData,
    services::CertificationFilter,
};

/// Products, with their producers' kind joined when it is needed.
fn products_of(q: &StatisticsQuery) -> Select<product::Entity> {
    let select = product::Entity::find().select_only();
    if q.wants(Dimension::ProducerKind) {
        select
            .join(
                JoinType::InnerJoin,
                product::Entity::belongs_to(producer::Entity)
                    .from(product::Column::ProducerId)
                    .to(producer::Column::Id)
                    .into(),
            )
            .column_as(producer::Column::Kind, "kind")
    } else {
        select
    }
}

/// Joins each product's certificates.
fn certificates_of_products() -> sea_orm::RelationDef {
    certification::Entity::belongs_to(product::Entity)
        .from(certification::Column::ProductId)
        .to(product::Column::Id)
        .into()
}

/// Groups by the producer kind, place and product-set columns the dimensions need.
fn grouped(select: Select<product::Entity>, q: &StatisticsQuery) -> Select<product::Entity> {
    let mut select = select;
    if q.wants(Dimension::ProducerKind) {
        select = select.group_by(producer::Column::Kind);
    }
    if q.wants(Dimension::Province) || q.wants(Dimension::Region) {
        select = select
            .column_as(product::Column::ProvinceCode, "province_code")
            .group_by(product::Column::ProvinceCode);
    }
    if q.wants(Dimension::CategoryGroup) || q.wants(Dimension::ProductSet) {
        select = select
            .column_as(product::Column::CategoryCode, "category_code")
            .group_by(product::Column::CategoryCode);
    }
    select
}

fn fine_of(r: &QueryResult, q: &StatisticsQuery) -> Result<Fine, DbErr> {
    let place = q.wants(Dimension::Province) || q.wants(Dimension::Region);
    let set = q.wants(Dimension::CategoryGroup) || q.wants(Dimension::ProductSet);
    Ok(Fine {
        province: if place {
            r.try_get("", "province_code")?
        } else {
            None
        },
        category: if set {
            r.try_get("", "category_code")?
        } else {
            None
        },
        stars: if q.wants(Dimension::Stars) {
            r.try_get("", "stars")?
        } else {
            None
        },
        kind: if q.wants(Dimension::ProducerKind) {
            r.try_get("", "kind")?
        } else {
            None
        },
        issued_on: if q.wants(Dimension::YearCertified) {
            r.try_get("", "issued_on")?
        } else {
            None
        },
    })
}

/// Today: the summary on each product row, grouped in SQL.
pub(super) async fn counted_today<C: ConnectionTrait>(
    db: &C,
    reference: &ReferenceData,
    q: &StatisticsQuery,
) -> Result<Vec<Counted>, DbErr> {
    let stars_of = |n: i32| {
        Expr::case(product::Column::CertStars.eq(n), 1)
            .finally(0)
            .sum()
    };
    let mut select = grouped(products_of(q), q)
        .filter(q.filter.condition(reference, q.as_of))
        .column_as(
            Expr::col((product::Entity, product::Column::Id)).count(),
            "n",
        )
        .column_as(stars_of(3), "three")
        .column_as(stars_of(4), "four")
        .column_as(stars_of(5), "five");
    if q.wants(Dimension::Stars) {
        select = select
            .column_as(product::Column::CertStars, "stars")
            .group_by(product::Column::CertStars);
    }
    if q.wants(Dimension::YearCertified) {
        select = select
            .column_as(product::Column::CertIssuedOn, "issued_on")
            .group_by(product::Column::CertIssuedOn);
    }
    // Distinct producers are counted by SQL when each of its groups is one row; otherwise
    // the groups carry their producers, to be counted once rows are folded.
    let one_group_per_row = q.group_by.iter().all(|d| {
        matches!(
            d,
            Dimension::Province
                | Dimension::ProductSet
                | Dimension::Stars
                | Dimension::ProducerKind
        )
    });
    let (distinct, per_producer) = (
        q.measures.producers && one_group_per_row,
        q.measures.producers && !one_group_per_row,
    );
    if distinct {
        select = select.column_as(
            Expr::col((product::Entity, product::Column::ProducerId)).count_distinct(),
            "producers",
        );
    }
    if per_producer {
        select = select
            .column_as(product::Column::ProducerId, "producer_id")
            .group_by(product::Column::ProducerId);
    }
    let mut out = Vec::new();
    for r in db.query_all(&select.into_query()).await? {
        let count = |column: &str| -> Result<u64, DbErr> {
            let n: Option<i64> = r.try_get("", column)?;
            Ok(n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
        };
        out.push(Counted {
            fine: fine_of(&r, q)?,
            producer_id: if per_producer {
                Some(r.try_get("", "producer_id")?)
            } else {
                None
            },
            producers: if distinct { count("producers")? } else { 0 },
            n: count("n")?,
            by_stars: [count("three")?, count("four")?, count("five")?],
        });
    }
    Ok(out)
}

/// Another day: each matching product's certificates issued by then, judged here with the
/// rule of [`certificate::current`].
pub(super) async fn counted_on<C: ConnectionTrait>(
    db: &C,
    reference: &ReferenceData,
    q: &StatisticsQuery,
) -> Result<Vec<Counted>, DbErr> {
    let day = q.as_of;
    let mut filter = q.filter.clone();
    filter.certification = CertificationFilter::Any;
    let min_stars = filter.min_stars.take();
    let select = products_of(q)
        .column_as(product::Column::Id, "product_id")
        .column_as(product::Column::ProvinceCode, "province_code")
        .column_as(product::Column::CategoryCode, "category_code")
        .column_as(product::Column::ProducerId, "producer_id")
        .filter(filter.condition(reference, day))
        .join_rev(JoinType::InnerJoin, certificates_of_products())
        .column_as(certification::Column::Id, "cert_id")
        .column_as(certification::Column::Stars, "stars")
        .column_as(certification::Column::IssuedOn, "issued_on")
        .column_as(certification::Column::ExpiresOn, "expires_on")
        .filter(certification::Column::IssuedOn.lte(day))
        .filter(
            certification::Column::RevokedOn
                .is_null()
                .or(certification::Column::RevokedOn.gt(day)),
        );
    let mut candidates: HashMap<i64, Vec<(CertFacts, Fine, i64)>> = HashMap::new();
    for r in db.query_all(&select.into_query()).await? {
        let facts = CertFacts {
            id: r.try_get("", "cert_id")?,
            stars: r.try_get("", "stars")?,
            issued_on: r.try_get("", "issued_on")?,
            expires_on: r.try_get("", "expires_on")?,
            revoked: false,
        };
        let fine = Fine {
            province: r.try_get("", "province_code")?,
            category: r.try_get("", "category_code")?,
            stars: Some(facts.stars),
            kind: if q.wants(Dimension::ProducerKind) {
                r.try_get("", "kind")?
            } else {
                None
            },
            issued_on: Some(facts.issued_on),
        };
        candidates
            .entry(r.try_get("", "product_id")?)
            .or_default()
            .push((facts, fine, r.try_get("", "producer_id")?));
    }
    Ok(candidates
        .into_values()
        .filter_map(|certs| {
            let current = certificate::current(certs.iter().map(|(f, ..)| *f))?;
            (current.expires_on > day && min_stars.is_none_or(|n| current.stars >= n))
                .then_some(())?;
            let (_, fine, producer) = certs.into_iter().find(|(f, ..)| f.id == current.id)?;
            let mut by_stars = [0; 3];
            if let Some(i) = usize::try_from(current.stars - 3).ok().filter(|i| *i < 3) {
                by_stars[i] = 1;
            }
            Some(Counted {
                fine,
                producer_id: q.measures.producers.then_some(producer),
                producers: 0,
                n: 1,
                by_stars,
            })
        })
        .collect())
}

/// Certificates issued, expired and revoked in the period, grouped in SQL.
pub(super) async fn certificates<C: ConnectionTrait>(
    db: &C,
    reference: &ReferenceData,
    q: &StatisticsQuery,
) -> Result<Vec<(Fine, [u64; 3])>, DbErr> {
    let mut filter = q.filter.clone();
    filter.certification = CertificationFilter::Any;
    let min_stars = filter.min_stars.take();
    let within = |c: certification::Column| c.gte(q.from).and(c.lte(q.to));
    let count_if = |c: certification::Column| Expr::case(within(c), 1).finally(0).sum();
    let mut select = grouped(products_of(q), q)
        .filter(filter.condition(reference, q.as_of))
        .join_rev(JoinType::InnerJoin, certificates_of_products())
        .filter(
            within(certification::Column::IssuedOn)
                .or(within(certification::Column::ExpiresOn))
                .or(within(certification::Column::RevokedOn)),
        )
        .column_as(count_if(certification::Column::IssuedOn), "issued")
        .column_as(count_if(certification::Column::ExpiresOn), "expired")
        .column_as(count_if(certification::Column::RevokedOn), "revoked");
    if let Some(n) = min_stars {
        select = select.filter(certification::Column::Stars.gte(n));
    }
    if q.wants(Dimension::Stars) {
        select = select
            .column_as(certification::Column::Stars, "stars")
            .group_by(certification::Column::Stars);
    }
    if q.wants(Dimension::YearCertified) {
        select = select
            .column_as(certification::Column::IssuedOn, "issued_on")
            .group_by(certification::Column::IssuedOn);
    }
    let mut out = Vec::new();
    let certificate_query = StatisticsQuery {
        measures: Measures::default(),
        ..q.clone()
    };
    for r in db.query_all(&select.into_query()).await? {
        let counts = ["issued", "expired", "revoked"].map(|c| {
            r.try_get::<Option<i64>>("", c)
                .ok()
                .flatten()
                .map_or(0, |n| u64::try_from(n).unwrap_or(0))
        });
        out.push((fine_of(&r, &certificate_query)?, counts));
    }
    Ok(out)
}

/// Active outlets per province, within the filter's provinces and regions.
pub(super) async fn outlets<C: ConnectionTrait>(
    db: &C,
    reference: &ReferenceData,
    q: &StatisticsQuery,
) -> Result<Vec<(String, u64)>, DbErr> {
    let mut select = outlet::Entity::find()
        .select_only()
        .column(outlet::Column::ProvinceCode)
        .column_as(Expr::col(outlet::Column::Id).count(), "n")
        .filter(outlet::Column::Status.eq(outlet::OutletStatus::Active))
        .group_by(outlet::Column::ProvinceCode);
    if !q.filter.province_codes.is_empty() {
        select = select.filter(outlet::Column::ProvinceCode.is_in(q.filter.province_codes.clone()));
    }
    if !q.filter.region_codes.is_empty() {
        let provinces: Vec<String> = q
            .filter
            .region_codes
            .iter()
            .flat_map(|r| reference.provinces_of_region(r).map(|p| p.code.clone()))
            .collect();
        select = select.filter(outlet::Column::ProvinceCode.is_in(provinces));
    }
    let rows: Vec<(String, i64)> = select.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(p, n)| (p, u64::try_from(n).unwrap_or(0)))
        .collect())
}
