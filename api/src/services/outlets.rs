//! Reading outlets and their shelves.

use ocop_entities::{
    listing,
    outlet::{self, OutletKind, OutletStatus},
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use tracing::instrument;

use crate::{
    domain::GeoPoint,
    error::{AppError, AppResult},
    reference::ReferenceData,
    services::{
        cursor::{self, Position},
        products::Page,
    },
};

/// A checked outlet filter.
#[derive(Clone, Debug, Default)]
pub struct OutletFilter {
    /// Current province codes (empty: any).
    pub province_codes: Vec<String>,
    /// Location types (empty: any).
    pub kinds: Vec<OutletKind>,
}

impl OutletFilter {
    /// Checks the province codes.
    pub fn parse(
        province_codes: Option<Vec<String>>,
        kinds: Option<Vec<OutletKind>>,
        reference: &ReferenceData,
        prefix: &str,
    ) -> AppResult<Self> {
        let province_codes = province_codes.unwrap_or_default();
        if let Some(bad) = province_codes
            .iter()
            .find(|c| reference.province(c).is_none())
        {
            let shown: String = bad.chars().take(40).collect();
            return Err(AppError::bad_input(
                format!("{prefix}.provinceCodes"),
                format!("unknown code \"{shown}\""),
            ));
        }
        Ok(Self {
            province_codes,
            kinds: kinds.unwrap_or_default(),
        })
    }

    fn condition(&self) -> Condition {
        let mut cond = Condition::all().add(outlet::Column::Status.eq(OutletStatus::Active));
        if !self.province_codes.is_empty() {
            cond = cond.add(outlet::Column::ProvinceCode.is_in(self.province_codes.clone()));
        }
        if !self.kinds.is_empty() {
            cond = cond.add(outlet::Column::Kind.is_in(self.kinds.clone()));
        }
        cond
    }
}

/// An outlet with its distance from the requested point.
#[derive(Clone, Debug)]
pub struct OutletHit {
    /// The outlet.
    pub outlet: outlet::Model,
    /// Kilometres from the point, when one was given.
    pub distance_km: Option<f64>,
}

/// Counts active outlets matching the filter.
#[instrument(skip_all)]
pub async fn count(db: &DatabaseConnection, filter: &OutletFilter) -> AppResult<u64> {
    Ok(outlet::Entity::find()
        .filter(filter.condition())
        .count(db)
        .await?)
}

/// Lists active outlets: by id, or nearest first when `near` is given (distance then id).
///
/// With a point, the coordinates of every matching outlet are read (one narrow statement) and
/// ordered in memory, then the page is read by id: outlets number in the thousands, not millions.
#[instrument(skip_all, fields(first, near = near.is_some()))]
pub async fn list(
    db: &DatabaseConnection,
    filter: &OutletFilter,
    near: Option<GeoPoint>,
    first: usize,
    after: Option<&str>,
) -> AppResult<Page<OutletHit>> {
    match near {
        None => {
            let after_id = match after {
                Some(c) => Some(cursor::decode::<Position<i64>>(c, "after")?)
                    .filter(|p| p.s == "I")
                    .map(|p| p.i),
                None => None,
            };
            if after.is_some() && after_id.is_none() {
                return Err(AppError::bad_input(
                    "after",
                    "belongs to a different ordering",
                ));
            }
            let mut query = outlet::Entity::find().filter(filter.condition());
            if let Some(id) = after_id {
                query = query.filter(outlet::Column::Id.gt(id));
            }
            let rows = query
                .order_by_asc(outlet::Column::Id)
                .limit((first + 1) as u64)
                .all(db)
                .await?;
            Ok(Page::of(rows, first, |o| {
                let c = cursor::encode(&Position {
                    s: "I".to_owned(),
                    k: 0i64,
                    i: o.id,
                });
                let hit = OutletHit {
                    outlet: o,
                    distance_km: None,
                };
                (hit, c)
            }))
        }
        Some(point) => {
            let after = match after {
                Some(c) => {
                    let p: Position<f64> = cursor::decode(c, "after")?;
                    if p.s != "D" {
                        return Err(AppError::bad_input(
                            "after",
                            "belongs to a different ordering",
                        ));
                    }
                    Some((p.k, p.i))
                }
                None => None,
            };
            let coords: Vec<(i64, f64, f64)> = outlet::Entity::find()
                .select_only()
                .column(outlet::Column::Id)
                .column(outlet::Column::Lat)
                .column(outlet::Column::Lng)
                .filter(filter.condition())
                .into_tuple()
                .all(db)
                .await?;
            let mut ranked: Vec<(f64, i64)> = coords
                .into_iter()
                .map(|(id, lat, lng)| (point.distance_km(GeoPoint { lat, lng }), id))
                .filter(|&(d, id)| after.is_none_or(|(ad, aid)| d > ad || (d == ad && id > aid)))
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let has_next_page = ranked.len() > first;
            ranked.truncate(first);
            let ids: Vec<i64> = ranked.iter().map(|&(_, id)| id).collect();
            let mut by_id: std::collections::HashMap<i64, outlet::Model> = outlet::Entity::find()
                .filter(outlet::Column::Id.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect();
            let items = ranked
                .into_iter()
                .filter_map(|(d, id)| {
                    let o = by_id.remove(&id)?;
                    let c = cursor::encode(&Position {
                        s: "D".to_owned(),
                        k: d,
                        i: id,
                    });
                    Some((
                        OutletHit {
                            outlet: o,
                            distance_km: Some(d),
                        },
                        c,
                    ))
                })
                .collect();
            Ok(Page {
                items,
                has_next_page,
            })
        }
    }
}

/// An active outlet by slug.
pub async fn active_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<outlet::Model>> {
    Ok(outlet::Entity::find()
        .filter(outlet::Column::Slug.eq(slug))
        .filter(outlet::Column::Status.eq(OutletStatus::Active))
        .one(db)
        .await?)
}

fn shelf_condition(outlet_id: i64) -> Condition {
    Condition::all()
        .add(listing::Column::OutletId.eq(outlet_id))
        .add(ocop_entities::ext::listing::of_published_product())
}

/// One page of an outlet's shelf (published products only), by product id.
#[instrument(skip_all, fields(outlet_id, first))]
pub async fn shelf(
    db: &DatabaseConnection,
    outlet_id: i64,
    first: usize,
    after: Option<&str>,
) -> AppResult<Page<listing::Model>> {
    let mut query = listing::Entity::find().filter(shelf_condition(outlet_id));
    if let Some(c) = after {
        let p: Position<i64> = cursor::decode(c, "after")?;
        if p.s != "L" {
            return Err(AppError::bad_input(
                "after",
                "belongs to a different ordering",
            ));
        }
        query = query.filter(listing::Column::ProductId.gt(p.i));
    }
    let rows = query
        .order_by_asc(listing::Column::ProductId)
        .limit((first + 1) as u64)
        .all(db)
        .await?;
    Ok(Page::of(rows, first, |l| {
        let c = cursor::encode(&Position {
            s: "L".to_owned(),
            k: 0i64,
            i: l.product_id,
        });
        (l, c)
    }))
}

/// Number of published products on an outlet's shelf.
pub async fn shelf_count(db: &DatabaseConnection, outlet_id: i64) -> AppResult<u64> {
    Ok(listing::Entity::find()
        .filter(shelf_condition(outlet_id))
        .count(db)
        .await?)
}
