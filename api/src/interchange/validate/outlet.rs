//! Checking an outlet record and its shelf.

use chrono::{DateTime, Utc};
use ocop_entities::outlet::{OutletKind, OutletStatus};

use super::timestamps;
use crate::interchange::records::{ListingRecord, OutletRecord};
use crate::{
    domain::{GeoPoint, Phone, Slug, Vnd, text::limits},
    services::write::check::Check,
};

/// A checked listing.
pub(crate) struct ValidListing {
    pub product: String,
    pub price_vnd: Option<i64>,
    pub in_stock: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A checked outlet.
pub(crate) struct ValidOutlet {
    pub slug: String,
    pub name: String,
    pub kind: OutletKind,
    pub ward_code: String,
    pub province_code: String,
    pub address: Option<String>,
    pub location: GeoPoint,
    pub phone: Option<String>,
    pub opening_hours: Option<String>,
    pub operator: Option<String>,
    pub status: OutletStatus,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
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

/// Checks an outlet record with its listings.
pub(crate) fn outlet(r: &OutletRecord, c: &mut Check<'_>) -> Option<ValidOutlet> {
    let slug = c.check("slug", Slug::parse(&r.slug));
    let name = c.text("name", &r.name, limits::NAME);
    let kind = c.enumeration::<OutletKind>("kind", &r.kind);
    let ward = c.ward("wardCode", &r.ward_code, None);
    let address = c.optional("address", r.address.as_deref(), limits::MEDIUM);
    let location = c.check(
        "location",
        GeoPoint::parse_in_vietnam(r.location.lat, r.location.lng),
    );
    let phone = c.parsed("phone", r.phone.as_deref(), Phone::parse);
    let opening_hours = c.optional("openingHours", r.opening_hours.as_deref(), limits::MEDIUM);
    let operator = c.optional("operator", r.operator.as_deref(), limits::NAME);
    let status = match &r.status {
        Some(s) => c.enumeration::<OutletStatus>("status", s),
        None => Some(OutletStatus::Active),
    };
    timestamps(r.created_at, r.updated_at, c);
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
    let (ward_code, province_code) = ward?;
    if c.failed() {
        return None;
    }
    Some(ValidOutlet {
        slug: slug?.into_inner(),
        name: name?,
        kind: kind?,
        ward_code,
        province_code,
        address: address?,
        location: location?,
        phone: phone?.map(Phone::into_string),
        opening_hours: opening_hours?,
        operator: operator?,
        status: status?,
        created_at: r.created_at,
        updated_at: r.updated_at,
        listings,
    })
}
