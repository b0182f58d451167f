//! `ocop export`: writes the whole catalogue in the interchange format, streaming products in
//! batches so that memory stays flat however large the catalogue is.

use std::{collections::HashMap, io::Write};

use ocop_entities::{certification, listing, outlet, producer, product};
use sea_orm::{
    ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use tracing::instrument;

use super::records::{
    CertificationRecord, FORMAT_NAME, FORMAT_VERSION, HeaderRecord, ListingRecord, LocationRecord,
    OutletRecord, ProducerRecord, ProductRecord, Record,
};
use crate::clock;

/// How much was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Producers written.
    pub producers: usize,
    /// Products written.
    pub products: usize,
    /// Outlets written.
    pub outlets: usize,
}

const BATCH: u64 = 1000;

/// Writes every producer, product (with certificates) and outlet (with listings).
#[instrument(skip_all)]
pub async fn export(db: &DatabaseConnection, out: &mut impl Write) -> anyhow::Result<ExportReport> {
    let mut report = ExportReport::default();
    line(
        out,
        &Record::Header(HeaderRecord {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            exported_at: Some(clock::now()),
        }),
    )?;

    let mut producer_slugs: HashMap<i64, String> = HashMap::new();
    let mut last = 0;
    loop {
        let batch = producer::Entity::find()
            .filter(producer::Column::Id.gt(last))
            .order_by_asc(producer::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(tail) = batch.last() else { break };
        last = tail.id;
        for p in batch {
            producer_slugs.insert(p.id, p.slug.clone());
            line(
                out,
                &Record::Producer(ProducerRecord {
                    slug: p.slug,
                    name: p.name,
                    kind: p.kind.to_value(),
                    ward_code: p.ward_code,
                    address: p.address,
                    representative: p.representative,
                    phone: p.phone,
                    email: p.email,
                    tax_code: p.tax_code,
                    created_at: Some(p.created_at),
                    updated_at: Some(p.updated_at),
                }),
            )?;
            report.producers += 1;
        }
    }

    let mut product_slugs: HashMap<i64, String> = HashMap::new();
    let mut last = 0;
    loop {
        let batch = product::Entity::find()
            .filter(product::Column::Id.gt(last))
            .order_by_asc(product::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(tail) = batch.last() else { break };
        last = tail.id;
        let ids: Vec<i64> = batch.iter().map(|p| p.id).collect();
        let mut certs: HashMap<i64, Vec<certification::Model>> = HashMap::new();
        for c in certification::Entity::find()
            .filter(certification::Column::ProductId.is_in(ids))
            .order_by_asc(certification::Column::IssuedOn)
            .order_by_asc(certification::Column::Id)
            .all(db)
            .await?
        {
            certs.entry(c.product_id).or_default().push(c);
        }
        for p in batch {
            product_slugs.insert(p.id, p.slug.clone());
            let certifications = certs
                .remove(&p.id)
                .unwrap_or_default()
                .into_iter()
                .map(|c| CertificationRecord {
                    stars: c.stars.into(),
                    score: c.score.map(Into::into),
                    level: c.level.to_value(),
                    issuing_body: c.issuing_body,
                    decision_number: c.decision_number,
                    certificate_number: c.certificate_number,
                    issued_on: c.issued_on,
                    expires_on: Some(c.expires_on),
                    revoked_on: c.revoked_on,
                    revoked_reason: c.revoked_reason,
                })
                .collect();
            line(
                out,
                &Record::Product(ProductRecord {
                    slug: p.slug,
                    name: p.name,
                    category_code: p.category_code,
                    producer: producer_slugs
                        .get(&p.producer_id)
                        .cloned()
                        .unwrap_or_default(),
                    ward_code: p.ward_code,
                    description: p.description,
                    story: p.story,
                    images: p.images.0,
                    packaging: p.packaging,
                    unit: p.unit,
                    price_min_vnd: p.price_min_vnd,
                    price_max_vnd: p.price_max_vnd,
                    status: Some(p.status.to_value()),
                    created_at: Some(p.created_at),
                    updated_at: Some(p.updated_at),
                    certifications,
                }),
            )?;
            report.products += 1;
        }
    }

    let mut last = 0;
    loop {
        let batch = outlet::Entity::find()
            .filter(outlet::Column::Id.gt(last))
            .order_by_asc(outlet::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(tail) = batch.last() else { break };
        last = tail.id;
        let ids: Vec<i64> = batch.iter().map(|o| o.id).collect();
        let mut shelves: HashMap<i64, Vec<listing::Model>> = HashMap::new();
        for l in listing::Entity::find()
            .filter(listing::Column::OutletId.is_in(ids))
            .order_by_asc(listing::Column::OutletId)
            .order_by_asc(listing::Column::ProductId)
            .all(db)
            .await?
        {
            shelves.entry(l.outlet_id).or_default().push(l);
        }
        for o in batch {
            let listings = shelves
                .remove(&o.id)
                .unwrap_or_default()
                .into_iter()
                .map(|l| ListingRecord {
                    product: product_slugs
                        .get(&l.product_id)
                        .cloned()
                        .unwrap_or_default(),
                    price_vnd: l.price_vnd,
                    in_stock: l.in_stock,
                    updated_at: Some(l.updated_at),
                })
                .collect();
            line(
                out,
                &Record::Outlet(OutletRecord {
                    slug: o.slug,
                    name: o.name,
                    kind: o.kind.to_value(),
                    ward_code: o.ward_code,
                    address: o.address,
                    location: LocationRecord {
                        lat: o.lat,
                        lng: o.lng,
                    },
                    phone: o.phone,
                    opening_hours: o.opening_hours,
                    operator: o.operator,
                    status: Some(o.status.to_value()),
                    created_at: Some(o.created_at),
                    updated_at: Some(o.updated_at),
                    listings,
                }),
            )?;
            report.outlets += 1;
        }
    }
    out.flush()?;
    Ok(report)
}

fn line(out: &mut impl Write, record: &Record) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")?;
    Ok(())
}
