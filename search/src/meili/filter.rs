//! Meilisearch filter expressions, built from typed values only.
//!
//! Strings are always written as double-quoted literals with `\` and `"` escaped, numbers as
//! numbers; no user text is ever pasted into an expression as it came.

use crate::query::{EXPIRING_SOON_DAYS, OutletSearch, ProductFilters, Validity};

/// A string literal of the filter language.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn any_of(attribute: &str, values: &[String]) -> String {
    let list: Vec<String> = values.iter().map(|v| quote(v)).collect();
    format!("{attribute} IN [{}]", list.join(", "))
}

fn validity(v: Validity, today: i64) -> Option<String> {
    let in_force = format!(
        "cert_state = \"CURRENT\" AND cert_issued_on <= {today} AND cert_expires_on > {today}"
    );
    Some(match v {
        Validity::Any => return None,
        Validity::Valid => in_force,
        Validity::ExpiringSoon => format!(
            "{in_force} AND cert_expires_on <= {}",
            today + i64::from(EXPIRING_SOON_DAYS)
        ),
        Validity::Expired => format!("cert_state = \"CURRENT\" AND cert_expires_on <= {today}"),
        Validity::Revoked => "cert_state = \"REVOKED\"".to_owned(),
        Validity::None => format!(
            "(cert_state = \"NONE\" OR (cert_state = \"CURRENT\" AND cert_issued_on > {today}))"
        ),
    })
}

/// The filter of a product search; `None` when nothing is filtered.
pub fn products(filters: &ProductFilters, today: i64) -> Option<String> {
    let mut parts = Vec::new();
    if !filters.province_codes.is_empty() {
        parts.push(any_of("province_code", &filters.province_codes));
    }
    if !filters.region_codes.is_empty() {
        parts.push(any_of("region_code", &filters.region_codes));
    }
    if !filters.category_codes.is_empty() {
        parts.push(any_of("category_codes", &filters.category_codes));
    }
    if !filters.producer_kinds.is_empty() {
        parts.push(any_of("producer_kind", &filters.producer_kinds));
    }
    if let Some(min) = filters.min_stars {
        parts.push(format!("cert_state = \"CURRENT\" AND stars >= {min}"));
    }
    if let Some(outlet) = filters.outlet_id {
        parts.push(format!("outlet_ids = {outlet}"));
    }
    if let Some(since) = filters.updated_since {
        parts.push(format!("updated_at >= {since}"));
    }
    parts.extend(validity(filters.validity, today));
    (!parts.is_empty()).then(|| {
        parts
            .iter()
            .map(|p| format!("({p})"))
            .collect::<Vec<_>>()
            .join(" AND ")
    })
}

/// The filter of an outlet search; `None` when nothing is filtered.
pub fn outlets(search: &OutletSearch) -> Option<String> {
    let mut parts = Vec::new();
    if !search.province_codes.is_empty() {
        parts.push(any_of("province_code", &search.province_codes));
    }
    if !search.kinds.is_empty() {
        parts.push(any_of("kind", &search.kinds));
    }
    if let (Some((lat, lng)), Some(radius)) = (search.near, search.radius_km) {
        let meters = (radius * 1000.0).round().max(0.0);
        parts.push(format!("_geoRadius({lat}, {lng}, {meters})"));
    }
    (!parts.is_empty()).then(|| {
        parts
            .iter()
            .map(|p| format!("({p})"))
            .collect::<Vec<_>>()
            .join(" AND ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_escape_quotes_backslashes_and_controls() {
        assert_eq!(quote("22"), "\"22\"");
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        assert_eq!(quote("a\\"), "\"a\\\\\"");
        assert_eq!(quote("\" OR 1=1 OR \""), "\"\\\" OR 1=1 OR \\\"\"");
        assert_eq!(quote("a\nb\u{0}"), "\"a b \"");
    }

    #[test]
    fn product_filters_combine_typed_values() {
        let filters = ProductFilters {
            province_codes: vec!["22".into(), "x\" OR stars > 0 OR \"".into()],
            min_stars: Some(4),
            outlet_id: Some(7),
            validity: Validity::Valid,
            ..ProductFilters::default()
        };
        let f = products(&filters, 20_000).unwrap();
        assert_eq!(
            f,
            "(province_code IN [\"22\", \"x\\\" OR stars > 0 OR \\\"\"]) AND (cert_state = \"CURRENT\" AND stars >= 4) \
             AND (outlet_ids = 7) AND (cert_state = \"CURRENT\" AND cert_issued_on <= 20000 AND cert_expires_on > 20000)"
        );
        let nothing = ProductFilters {
            validity: Validity::Any,
            ..ProductFilters::default()
        };
        assert_eq!(products(&nothing, 0), None);
    }

    #[test]
    fn outlet_radius_is_in_meters() {
        let search = OutletSearch {
            text: String::new(),
            province_codes: vec![],
            kinds: vec!["POST_OFFICE".into()],
            near: Some((21.03, 105.85)),
            radius_km: Some(2.5),
            limit: 20,
        };
        assert_eq!(
            outlets(&search).unwrap(),
            "(kind IN [\"POST_OFFICE\"]) AND (_geoRadius(21.03, 105.85, 2500))"
        );
    }
}
