//! Checking an outlet record and its shelf.

use chrono::{DateTime, Utc};
use ocop_entities::outlet::{self, OutletKind, OutletStatus};
use sea_orm::ActiveValue::Set;

use super::timestamps;
use crate::{
    clock,
    domain::{Slug, Vnd},
    interchange::records::{ListingRecord, OutletRecord},
    services::write::{
        check::Check,
        outlets::{NewOutlet, OutletFields},
    },
};

/// A checked listing.
pub(crate) struct ValidListing {
    pub product: String,
    pub price_vnd: Option<i64>,
    pub in_stock: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A checked outlet record: its key, its row, the creation time it gave, and its shelf.
pub(crate) struct ValidOutlet {
    pub slug: String,
    pub row: outlet::ActiveModel,
    pub created_at: Option<DateTime<Utc>>,
    pub listings: Vec<ValidListing>,
}

fn listing(r: &ListingRecord, at: &str, c: &mut Check<'_>) -> Option<ValidListing> {
    let product = c.check(&format!("{at}.product"), Slug::parse(&r.product));
    let price = c.price(&format!("{at}.priceVnd"), r.price_vnd);
    if r.updated_at
        .is_some_and(|t| t > Utc::now() + chrono::Duration::minutes(5))
    {
        c.fail(format!("{at}.updatedAt"), "is in the future");
    }
    Some(ValidListing {
        product: product?.into_inner(),
        price_vnd: price?.map(Vnd::get),
        in_stock: r.in_stock,
        updated_at: r.updated_at,
    })
}

/// Checks an outlet record with its listings, with the checks of a new outlet
/// ([`NewOutlet::check`]).
pub(crate) fn outlet(r: &OutletRecord, c: &mut Check<'_>) -> Option<ValidOutlet> {
    let slug = c.check("slug", Slug::parse(&r.slug));
    let kind = c.enumeration::<OutletKind>("kind", &r.kind);
    let status = match &r.status {
        Some(s) => c.enumeration::<OutletStatus>("status", s),
        None => Some(OutletStatus::Active),
    };
    timestamps(r.created_at, r.updated_at, c);
    let fields = OutletFields {
        name: Some(r.name.clone()),
        slug: None,
        kind,
        ward_code: Some(r.ward_code.clone()),
        province_code: None,
        address: r.address.clone(),
        location: Some((r.location.lat, r.location.lng)),
        phone: r.phone.clone(),
        opening_hours: r.opening_hours.clone(),
        operator: r.operator.clone(),
    };
    let now = clock::now();
    let NewOutlet(mut row) = NewOutlet::check(c, &fields, now);
    if r.listings.len() > 10_000 {
        c.fail("listings", "at most 10000 listings per outlet");
    }
    let mut seen = std::collections::HashSet::new();
    let mut listings = Vec::with_capacity(r.listings.len());
    for (i, l) in r.listings.iter().enumerate() {
        let at = format!("listings[{i}]");
        if !seen.insert(l.product.as_str()) {
            c.fail(
                format!("{at}.product"),
                format!("\"{}\" is listed twice", l.product),
            );
            continue;
        }
        if let Some(l) = listing(l, &at, c) {
            listings.push(l);
        }
    }
    if c.failed() {
        return None;
    }
    let slug = slug?.into_inner();
    row.slug = Set(slug.clone());
    row.status = Set(status?);
    row.created_at = Set(r.created_at.unwrap_or(now));
    row.updated_at = Set(r.updated_at.unwrap_or(now));
    Some(ValidOutlet {
        slug,
        row,
        created_at: r.created_at,
        listings,
    })
}
