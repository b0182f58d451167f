//! The one place where entities become search documents.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use ocop_entities::{
    listing,
    outlet::{self, OutletStatus},
    producer,
    product::{self, ProductStatus},
};
use ocop_search::{OutletDocument, ProductDocument, document::Day};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::reference::ReferenceData;

/// Documents to write and ids to delete.
#[derive(Debug)]
pub struct Changes<D> {
    /// Documents to add or replace.
    pub upsert: Vec<D>,
    /// Ids to remove from the index (no longer public, or gone).
    pub delete: Vec<i64>,
}

impl<D> Default for Changes<D> {
    fn default() -> Self {
        Self {
            upsert: Vec::new(),
            delete: Vec::new(),
        }
    }
}

/// Days since 1970-01-01.
pub fn day(date: NaiveDate) -> Day {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    (date - epoch).num_days() as Day
}

/// Current and former names of a province, and its everyday aliases.
fn place_names(reference: &ReferenceData, province_code: &str) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(p) = reference.province(province_code) {
        names.push(p.name.clone());
    }
    for f in reference.former_provinces_of(province_code) {
        if !names.contains(&f.name) {
            names.push(f.name.clone());
        }
    }
    names.extend(reference.aliases_of(province_code).map(str::to_owned));
    names
}

/// The documents of the products `ids`: published ones are upserted, others deleted.
/// Three statements whatever the number of ids.
pub async fn products<C: ConnectionTrait>(
    db: &C,
    reference: &ReferenceData,
    ids: &[i64],
) -> Result<Changes<ProductDocument>, DbErr> {
    let rows = product::Entity::find()
        .filter(product::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let producer_ids: HashSet<i64> = rows.iter().map(|p| p.producer_id).collect();
    let producers: HashMap<i64, producer::Model> = producer::Entity::find()
        .filter(producer::Column::Id.is_in(producer_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut outlets: HashMap<i64, Vec<i64>> = HashMap::new();
    for l in listing::Entity::find()
        .filter(listing::Column::ProductId.is_in(ids.to_vec()))
        .filter(ocop_entities::ext::listing::at_active_outlet())
        .all(db)
        .await?
    {
        outlets.entry(l.product_id).or_default().push(l.outlet_id);
    }
    let mut changes = Changes::default();
    let mut seen = HashSet::new();
    for p in rows {
        seen.insert(p.id);
        let Some(producer) = producers
            .get(&p.producer_id)
            .filter(|_| p.status == ProductStatus::Published)
        else {
            changes.delete.push(p.id);
            continue;
        };
        let mut category_codes = Vec::new();
        let mut category_names = Vec::new();
        let mut code = Some(p.category_code.clone());
        while let Some(c) = code.and_then(|c| reference.category(&c)) {
            category_codes.push(c.code.clone());
            category_names.push(c.name.clone());
            code = c.parent_code.clone();
        }
        let region_code = reference
            .province(&p.province_code)
            .map(|pr| pr.region_code.clone())
            .unwrap_or_default();
        let mut outlet_ids = outlets.remove(&p.id).unwrap_or_default();
        outlet_ids.sort_unstable();
        changes.upsert.push(
            ProductDocument {
                id: p.id,
                name: p.name.clone(),
                category_names,
                category_codes,
                producer_name: producer.name.clone(),
                producer_kind: producer.kind.to_value(),
                place_names: place_names(reference, &p.province_code),
                ward_name: reference
                    .ward(&p.ward_code)
                    .map(|w| w.name.clone())
                    .unwrap_or_default(),
                province_code: p.province_code.clone(),
                region_code,
                description: p.description.clone().unwrap_or_default(),
                story: p.story.clone().unwrap_or_default(),
                tone: String::new(),
                cert_state: p.cert_state.to_value(),
                stars: p.cert_stars.and_then(|s| u8::try_from(s).ok()),
                cert_issued_on: p.cert_issued_on.map(day),
                cert_expires_on: p.cert_expires_on.map(day),
                outlet_ids,
                created_at: p.created_at.timestamp(),
                updated_at: p.updated_at.timestamp(),
            }
            .with_tone(),
        );
    }
    changes
        .delete
        .extend(ids.iter().filter(|id| !seen.contains(id)));
    Ok(changes)
}

/// The documents of the outlets `ids`: active ones are upserted, others deleted.
pub async fn outlets<C: ConnectionTrait>(
    db: &C,
    reference: &ReferenceData,
    ids: &[i64],
) -> Result<Changes<OutletDocument>, DbErr> {
    let rows = outlet::Entity::find()
        .filter(outlet::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let mut changes = Changes::default();
    let mut seen = HashSet::new();
    for o in rows {
        seen.insert(o.id);
        if o.status != OutletStatus::Active {
            changes.delete.push(o.id);
            continue;
        }
        changes.upsert.push(OutletDocument {
            id: o.id,
            name: o.name.clone(),
            address: ocop_search::text::without_admin_words(
                o.address.as_deref().unwrap_or_default(),
            ),
            ward_name: reference
                .ward(&o.ward_code)
                .map(|w| w.name.clone())
                .unwrap_or_default(),
            place_names: place_names(reference, &o.province_code),
            province_code: o.province_code.clone(),
            kind: o.kind.to_value(),
            lat: o.lat,
            lng: o.lng,
        });
    }
    changes
        .delete
        .extend(ids.iter().filter(|id| !seen.contains(id)));
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_unix_epoch() {
        assert_eq!(day(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        assert_eq!(
            day(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            56 * 365 + 14
        );
    }
}
