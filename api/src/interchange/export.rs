//! `ocop export` and `GET /export`: the whole catalogue in the interchange format, streamed in
//! batches so that memory stays flat however large the catalogue is.
//!
//! The export reads one snapshot (a repeatable-read, read-only transaction on PostgreSQL; a read
//! transaction on SQLite, whose WAL mode gives it a snapshot) and states the change-log position
//! it is consistent with in its header: the snapshot plus the changes after that position is the
//! catalogue.

use std::{collections::HashMap, io::Write};

use ocop_entities::ext::change_log;

use ocop_entities::{certification, listing, outlet, producer, product};
use sea_orm::{
    AccessMode, ActiveEnum, ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait,
    IsolationLevel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use tracing::instrument;

use super::records::{
    CertificationRecord, FORMAT_NAME, FORMAT_VERSION, HeaderRecord, ListingRecord, LocationRecord,
    OutletRecord, ProducerRecord, ProductRecord, Record,
};
use crate::{clock, services::changes::cursor_of};

/// How much was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Producers written.
    pub producers: usize,
    /// Products written.
    pub products: usize,
    /// Outlets written.
    pub outlets: usize,
    /// The change-log position the export is consistent with.
    pub position: i64,
}

const BATCH: u64 = 1000;

/// Writes every producer, product (with certificates) and outlet (with listings) to `out`.
pub async fn export(db: &DatabaseConnection, out: &mut impl Write) -> anyhow::Result<ExportReport> {
    let report = export_with(db, |bytes| {
        std::future::ready(out.write_all(&bytes).map_err(anyhow::Error::from))
    })
    .await?;
    out.flush()?;
    Ok(report)
}

/// Exports one snapshot, handing `sink` the lines of each batch as they are ready.
#[instrument(skip_all)]
pub async fn export_with<F, Fut>(
    db: &DatabaseConnection,
    mut sink: F,
) -> anyhow::Result<ExportReport>
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let snapshot = if db.get_database_backend() == DatabaseBackend::Postgres {
        db.begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?
    } else {
        db.begin().await?
    };
    let db = &snapshot;
    let position = change_log::state(db).await?.head;
    let mut report = ExportReport {
        position,
        ..ExportReport::default()
    };
    let mut buf = Vec::with_capacity(1 << 20);
    let out = &mut buf;
    line(
        out,
        &Record::Header(HeaderRecord {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            exported_at: Some(clock::now()),
            change_log_position: Some(position),
            change_log_cursor: Some(cursor_of(position)),
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
                    id: Some(p.id),
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
        sink(std::mem::take(out)).await?;
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
                    id: Some(c.id),
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
                    id: Some(p.id),
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
        sink(std::mem::take(out)).await?;
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
                    id: Some(o.id),
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
        sink(std::mem::take(out)).await?;
    }
    sink(std::mem::take(out)).await?;
    snapshot.rollback().await?;
    Ok(report)
}

fn line(out: &mut impl Write, record: &Record) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")?;
    Ok(())
}
