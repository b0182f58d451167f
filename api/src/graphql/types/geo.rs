//! Points on the map.

use async_graphql::{InputObject, SimpleObject};

/// A WGS 84 point.
#[derive(SimpleObject, Clone, Copy, Debug)]
pub struct GeoPoint {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lng: f64,
}

/// A WGS 84 point given by the client.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct GeoPointInput {
    /// Latitude in degrees (−90 to 90).
    pub lat: f64,
    /// Longitude in degrees (−180 to 180).
    pub lng: f64,
}

impl GeoPointInput {
    /// Checks the point, naming `field` on error.
    pub fn parse(self, field: &str) -> Result<crate::domain::GeoPoint, crate::error::AppError> {
        crate::domain::GeoPoint::parse(self.lat, self.lng)
            .map_err(|m| crate::error::AppError::bad_input(field, m))
    }
}
