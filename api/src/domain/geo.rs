//! Coordinates.

/// Vietnam's bounding box, including the Hoàng Sa and Trường Sa special zones.
pub const VIETNAM_LAT: std::ops::RangeInclusive<f64> = 8.0..=23.5;
/// See [`VIETNAM_LAT`].
pub const VIETNAM_LNG: std::ops::RangeInclusive<f64> = 102.0..=117.5;

/// A WGS 84 point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeoPoint {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lng: f64,
}

impl GeoPoint {
    /// Any point on Earth (e.g. where a buyer stands).
    pub fn parse(lat: f64, lng: f64) -> Result<Self, String> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(format!("latitude must be between -90 and 90 (got {lat})"));
        }
        if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
            return Err(format!(
                "longitude must be between -180 and 180 (got {lng})"
            ));
        }
        Ok(Self { lat, lng })
    }

    /// A point inside Vietnam (where an outlet can be).
    pub fn parse_in_vietnam(lat: f64, lng: f64) -> Result<Self, String> {
        let point = Self::parse(lat, lng)?;
        if !VIETNAM_LAT.contains(&lat) || !VIETNAM_LNG.contains(&lng) {
            return Err(format!(
                "({lat}, {lng}) is outside Vietnam (latitude 8.0–23.5, longitude 102.0–117.5)"
            ));
        }
        Ok(point)
    }

    /// Great-circle distance in kilometres (haversine, mean Earth radius).
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        ocop_search::query::distance_km((self.lat, self.lng), (other.lat, other.lng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hanoi_to_ho_chi_minh_city_is_about_1140_km() {
        let hanoi = GeoPoint::parse(21.0285, 105.8542).unwrap();
        let hcmc = GeoPoint::parse(10.7769, 106.7009).unwrap();
        let d = hanoi.distance_km(hcmc);
        assert!((1130.0..1150.0).contains(&d), "{d}");
        assert_eq!(hanoi.distance_km(hanoi), 0.0);
    }

    #[test]
    fn outlets_must_be_inside_vietnam() {
        assert!(GeoPoint::parse_in_vietnam(18.34, 105.90).is_ok());
        assert!(GeoPoint::parse_in_vietnam(16.5, 112.0).is_ok(), "Hoàng Sa");
        assert!(GeoPoint::parse_in_vietnam(48.85, 2.35).is_err(), "Paris");
        assert!(GeoPoint::parse_in_vietnam(f64::NAN, 105.0).is_err());
        assert!(GeoPoint::parse(91.0, 0.0).is_err());
        assert!(GeoPoint::parse(0.0, f64::INFINITY).is_err());
    }
}
