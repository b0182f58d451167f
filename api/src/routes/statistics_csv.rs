//! `GET /statistics.csv`: `ocopStatistics` as a spreadsheet. UTF-8 with a byte-order mark, so
//! that Excel shows Vietnamese names correctly. Parameters as in GraphQL, lists comma-separated:
//! `groupBy=PROVINCE,STARS&asOf=2026-12-31&from=2026-01-01&to=2026-12-31&provinceCodes=22,42`
//! (also `regionCodes`, `categoryCodes`, `minStars`, `producerKinds`, `statuses`).

use std::net::SocketAddr;

use async_graphql::resolver_utils::EnumType;
use axum::{
    extract::{ConnectInfo, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use serde::Deserialize;

use super::graphql::{app_error, caller, rate_limited};
use super::state::AppState;
use crate::{
    error::AppError,
    graphql::query::{products::ProductFilterArg, statistics::statistics_query},
    graphql::types::enums::{ProducerKind, ProductStatus},
    reference::ReferenceData,
    services::statistics::{self, Dimension, Measures, Row},
};

/// The query string.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Params {
    group_by: Option<String>,
    as_of: Option<String>,
    from: Option<String>,
    to: Option<String>,
    province_codes: Option<String>,
    region_codes: Option<String>,
    category_codes: Option<String>,
    min_stars: Option<String>,
    producer_kinds: Option<String>,
    statuses: Option<String>,
}

fn list(value: Option<&str>) -> Option<Vec<String>> {
    value.map(|v| {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

fn date(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, AppError> {
    value
        .map(|v| {
            v.parse().map_err(|_| {
                AppError::bad_input(field, format!("{v:?} is not a date (YYYY-MM-DD)"))
            })
        })
        .transpose()
}

/// Parses a list of GraphQL enum names.
fn names<T: EnumType>(field: &str, value: Option<&str>) -> Result<Option<Vec<T>>, AppError> {
    list(value)
        .map(|names| {
            names
                .iter()
                .map(|n| {
                    T::items()
                        .iter()
                        .find(|i| i.name == n.as_str())
                        .map(|i| i.value)
                        .ok_or_else(|| AppError::bad_input(field, format!("unknown value {n:?}")))
                })
                .collect()
        })
        .transpose()
}

/// The GraphQL name of an enum value.
fn name_of<T: EnumType + PartialEq>(value: T) -> &'static str {
    T::items()
        .iter()
        .find(|i| i.value == value)
        .map_or("", |i| i.name)
}

/// The CSV document.
pub async fn csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    params: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let caller = match caller(&state, &headers, peer).await {
        Ok((c, _)) => c,
        Err(response) => return response,
    };
    if let Err(wait) = state.limiter.check(&caller, 1).await {
        return rate_limited(wait);
    }
    let Query(p) = match params {
        Ok(p) => p,
        Err(e) => return app_error(&AppError::bad_input("query", e.body_text())),
    };
    let today = crate::clock::today();
    let parsed = (|| -> Result<_, AppError> {
        let group_by: Vec<Dimension> = names::<
            crate::graphql::query::statistics::StatisticsDimension,
        >("groupBy", p.group_by.as_deref())?
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect();
        let min_stars = p
            .min_stars
            .as_deref()
            .map(|v| {
                v.parse()
                    .map_err(|_| AppError::bad_input("minStars", "must be 1 to 5"))
            })
            .transpose()?;
        let filter = ProductFilterArg {
            province_codes: list(p.province_codes.as_deref()),
            region_codes: list(p.region_codes.as_deref()),
            category_codes: list(p.category_codes.as_deref()),
            min_stars,
            producer_kinds: names::<ProducerKind>("producerKinds", p.producer_kinds.as_deref())?,
            statuses: names::<ProductStatus>("statuses", p.statuses.as_deref())?,
            ..ProductFilterArg::default()
        };
        statistics_query(
            &state.reference,
            Some(filter),
            group_by,
            date("asOf", p.as_of.as_deref())?,
            date("from", p.from.as_deref())?,
            date("to", p.to.as_deref())?,
            caller.reads_private(),
            today,
            Measures {
                products: true,
                producers: true,
                certificates: true,
                outlets: true,
            },
        )
    })();
    let q = match parsed {
        Ok(q) => q,
        Err(e) => return app_error(&e),
    };
    let rows = match statistics::compute(&state.db, &state.reference, &q, today).await {
        Ok(rows) => rows,
        Err(e) => return app_error(&e.into()),
    };
    let body = match document(&state.reference, &q.group_by, &rows) {
        Ok(b) => b,
        Err(e) => return app_error(&AppError::Internal(e)),
    };
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"ocop-statistics-{}.csv\"",
        q.as_of
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The byte-order mark, then one header line and a line per row.
fn document(
    reference: &ReferenceData,
    group_by: &[Dimension],
    rows: &[Row],
) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut header: Vec<&str> = Vec::new();
    for d in group_by {
        header.extend_from_slice(match d {
            Dimension::Province => &["province_code", "province"][..],
            Dimension::Region => &["region_code", "region"],
            Dimension::CategoryGroup => &["category_group_code", "category_group"],
            Dimension::ProductSet => &["product_set_code", "product_set"],
            Dimension::Stars => &["stars"],
            Dimension::ProducerKind => &["producer_kind"],
            Dimension::YearCertified => &["year_certified"],
        });
    }
    header.extend_from_slice(&[
        "products",
        "three_stars",
        "four_stars",
        "five_stars",
        "producers",
        "certificates_issued",
        "certificates_expired",
        "certificates_revoked",
        "outlets",
    ]);
    out.write_record(&header)?;
    for r in rows {
        let k = &r.key;
        let mut record: Vec<String> = Vec::new();
        let code_and_name = |code: &Option<String>, name: Option<&str>| {
            [
                code.clone().unwrap_or_default(),
                name.unwrap_or_default().to_owned(),
            ]
        };
        for d in group_by {
            match d {
                Dimension::Province => record.extend(code_and_name(
                    &k.province,
                    k.province
                        .as_deref()
                        .and_then(|c| reference.province(c))
                        .map(|p| p.name.as_str()),
                )),
                Dimension::Region => record.extend(code_and_name(
                    &k.region,
                    k.region
                        .as_deref()
                        .and_then(|c| reference.region(c))
                        .map(|p| p.name.as_str()),
                )),
                Dimension::CategoryGroup => record.extend(code_and_name(
                    &k.category_group,
                    k.category_group
                        .as_deref()
                        .and_then(|c| reference.category(c))
                        .map(|p| p.name.as_str()),
                )),
                Dimension::ProductSet => record.extend(code_and_name(
                    &k.product_set,
                    k.product_set
                        .as_deref()
                        .and_then(|c| reference.category(c))
                        .map(|p| p.name.as_str()),
                )),
                Dimension::Stars => record.push(k.stars.map(|s| s.to_string()).unwrap_or_default()),
                Dimension::ProducerKind => record.push(
                    k.producer_kind
                        .map(|p| name_of(ProducerKind::from(p)).to_owned())
                        .unwrap_or_default(),
                ),
                Dimension::YearCertified => {
                    record.push(k.year.map(|y| y.to_string()).unwrap_or_default());
                }
            }
        }
        record.extend(
            [
                r.products,
                r.by_stars[0],
                r.by_stars[1],
                r.by_stars[2],
                r.producers,
                r.certificates_issued,
                r.certificates_expired,
                r.certificates_revoked,
            ]
            .map(|n| n.to_string()),
        );
        record.push(r.outlets.map(|n| n.to_string()).unwrap_or_default());
        out.write_record(&record)?;
    }
    Ok(out.into_inner()?)
}
