//! Writing a checked file in one transaction: producers, then products with their certificates,
//! then outlets with their listings, each batched, with the change of every record. (Over 300
//! lines: the three steps of one transaction, in the order their references need.)

use std::collections::{HashMap, HashSet};

use indicatif::ProgressBar;
use ocop_entities::{
    certification,
    ext::change_log::{Change, ChangeKind, ChangeOp},
    listing, outlet, producer, product, verification_code,
};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use super::{Existing, ImportReport, Parsed};
use crate::clock;

pub(super) async fn write<C: ConnectionTrait>(
    txn: &C,
    parsed: Parsed,
    existing: &Existing,
    bar: &ProgressBar,
) -> Result<(ImportReport, Vec<Change>), DbErr> {
    let now = clock::now();
    let mut report = ImportReport::default();
    let mut changes = Vec::new();
    let mut updated_producers = Vec::new();

    // Producers.
    let mut producer_ids = existing.producers.clone();
    let mut new_producers = Vec::new();
    for p in parsed.producers {
        let id = existing.producers.get(&p.slug).copied();
        let mut model = p.row;
        model.id = id.map_or(NotSet, Set);
        bar.inc(1);
        if id.is_some() {
            if p.created_at.is_none() {
                model.created_at = NotSet;
            }
            producer::Entity::update(model).exec(txn).await?;
            updated_producers.extend(id);
            report.producers_updated += 1;
        } else {
            new_producers.push(model);
        }
    }
    report.producers_created = new_producers.len();
    for chunk in chunks(new_producers, 200) {
        for m in producer::Entity::insert_many(chunk)
            .exec_with_returning(txn)
            .await?
        {
            changes.push(Change::new(ChangeKind::Producer, m.id, ChangeOp::Created));
            producer_ids.insert(m.slug, m.id);
        }
    }
    // A producer's name and kind are in its products' search documents.
    for chunk in updated_producers.chunks(500) {
        let rows: Vec<(i64, i64)> = product::Entity::find()
            .select_only()
            .column(product::Column::ProducerId)
            .column(product::Column::Id)
            .filter(product::Column::ProducerId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(txn)
            .await?;
        let mut by_producer: HashMap<i64, Vec<i64>> = HashMap::new();
        for (producer, product) in rows {
            by_producer.entry(producer).or_default().push(product);
        }
        for &id in chunk {
            let products = by_producer.remove(&id).unwrap_or_default();
            changes.push(
                Change::new(ChangeKind::Producer, id, ChangeOp::Updated)
                    .touching_products(products),
            );
        }
    }

    // Products and their certificates.
    let mut product_ids = existing.products.clone();
    let mut new_products = Vec::new();
    let mut certs_by_slug = HashMap::new();
    let mut replaced = Vec::new();
    for p in parsed.products {
        let id = existing.products.get(&p.slug).copied();
        let mut model = p.row;
        model.id = id.map_or(NotSet, Set);
        model.producer_id = Set(producer_ids[&p.producer]);
        certs_by_slug.insert(p.slug, p.certifications);
        bar.inc(1);
        if let Some(id) = id {
            if p.created_at.is_none() {
                model.created_at = NotSet;
            }
            product::Entity::update(model).exec(txn).await?;
            changes.push(Change::product(id, ChangeOp::Updated));
            replaced.push(id);
            report.products_updated += 1;
        } else {
            new_products.push(model);
        }
    }
    report.products_created = new_products.len();
    for chunk in chunks(new_products, 200) {
        for m in product::Entity::insert_many(chunk)
            .exec_with_returning(txn)
            .await?
        {
            changes.push(Change::product(m.id, ChangeOp::Created));
            product_ids.insert(m.slug, m.id);
        }
    }
    // A re-imported certificate keeps the verification code printed on its stamps.
    let mut stamped = HashMap::new();
    for chunk in replaced.chunks(500) {
        let old = certification::Entity::find()
            .filter(certification::Column::ProductId.is_in(chunk.to_vec()))
            .all(txn)
            .await?;
        for c in old {
            changes.push(
                Change::new(ChangeKind::Certification, c.id, ChangeOp::Removed)
                    .touching_products([c.product_id]),
            );
            stamped.insert(
                (
                    c.product_id,
                    c.issued_on,
                    c.certificate_number,
                    c.decision_number,
                ),
                c.verification_code,
            );
        }
        certification::Entity::delete_many()
            .filter(certification::Column::ProductId.is_in(chunk.to_vec()))
            .exec(txn)
            .await?;
    }
    let mut cert_rows = Vec::new();
    for (slug, certs) in certs_by_slug {
        let product_id = product_ids[&slug];
        for c in certs {
            let new = c.new;
            let code = stamped
                .remove(&(
                    product_id,
                    new.issued_on,
                    new.certificate_number.clone(),
                    new.decision_number.clone(),
                ))
                .unwrap_or_else(verification_code::generate);
            let mut row = new.row(product_id, code, now);
            row.revoked_on = Set(c.revoked_on);
            row.revoked_reason = Set(c.revoked_reason);
            cert_rows.push(row);
        }
    }
    report.certifications = cert_rows.len();
    for chunk in chunks(cert_rows, 300) {
        for c in certification::Entity::insert_many(chunk)
            .exec_with_returning(txn)
            .await?
        {
            changes.push(
                Change::new(ChangeKind::Certification, c.id, ChangeOp::Created)
                    .touching_products([c.product_id]),
            );
        }
    }

    // Outlets and their listings.
    let mut new_outlets = Vec::new();
    let mut listings_by_slug = HashMap::new();
    let mut replaced = Vec::new();
    for o in parsed.outlets {
        let id = existing.outlets.get(&o.slug).copied();
        let mut model = o.row;
        model.id = id.map_or(NotSet, Set);
        listings_by_slug.insert(o.slug, o.listings);
        bar.inc(1);
        if let Some(id) = id {
            if o.created_at.is_none() {
                model.created_at = NotSet;
            }
            outlet::Entity::update(model).exec(txn).await?;
            changes.push(Change::outlet(id, ChangeOp::Updated));
            replaced.push(id);
            report.outlets_updated += 1;
        } else {
            new_outlets.push(model);
        }
    }
    report.outlets_created = new_outlets.len();
    let mut slug_to_outlet: HashMap<String, i64> = HashMap::new();
    for chunk in chunks(new_outlets, 200) {
        for m in outlet::Entity::insert_many(chunk)
            .exec_with_returning(txn)
            .await?
        {
            changes.push(Change::outlet(m.id, ChangeOp::Created));
            slug_to_outlet.insert(m.slug, m.id);
        }
    }
    let mut old_listings = HashSet::new();
    for chunk in replaced.chunks(500) {
        let old: Vec<(i64, i64)> = listing::Entity::find()
            .select_only()
            .column(listing::Column::OutletId)
            .column(listing::Column::ProductId)
            .filter(listing::Column::OutletId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(txn)
            .await?;
        old_listings.extend(old);
        listing::Entity::delete_many()
            .filter(listing::Column::OutletId.is_in(chunk.to_vec()))
            .exec(txn)
            .await?;
    }
    let mut listing_rows = Vec::new();
    for (slug, listings) in listings_by_slug {
        let outlet_id = slug_to_outlet
            .get(&slug)
            .copied()
            .or_else(|| existing.outlets.get(&slug).copied());
        let Some(outlet_id) = outlet_id else { continue };
        for l in listings {
            let product_id = product_ids[&l.product];
            let op = if old_listings.remove(&(outlet_id, product_id)) {
                ChangeOp::Updated
            } else {
                ChangeOp::Created
            };
            changes.push(Change::listing(outlet_id, product_id, op));
            listing_rows.push(listing::ActiveModel {
                outlet_id: Set(outlet_id),
                product_id: Set(product_ids[&l.product]),
                price_vnd: Set(l.price_vnd),
                in_stock: Set(l.in_stock),
                updated_at: Set(l.updated_at.unwrap_or(now)),
            });
        }
    }
    changes.extend(
        old_listings
            .into_iter()
            .map(|(outlet, product)| Change::listing(outlet, product, ChangeOp::Removed)),
    );
    report.listings = listing_rows.len();
    for chunk in chunks(listing_rows, 400) {
        listing::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok((report, changes))
}

fn chunks<T>(items: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let mut items = items.into_iter().peekable();
    std::iter::from_fn(move || {
        items.peek()?;
        Some(items.by_ref().take(size).collect())
    })
}
