//! Search documents: what the index knows about a product or an outlet.
//!
//! The index decides *which* records match and *in what order*; the database decides what is
//! shown. Documents therefore carry only what search needs: searchable text (already in the
//! forms of [`crate::text`]), filter and facet values, and sort keys.

use serde::{Deserialize, Serialize};

use crate::{settings, text};

/// Days since 1970-01-01: how dates are stored, so that validity is a numeric range filter.
pub type Day = i32;

/// A published product as the index sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductDocument {
    /// The product id (primary key of the index).
    pub id: i64,
    /// Product name as written.
    pub name: String,
    /// Names of the product set, its parent group and its top-level group.
    pub category_names: Vec<String>,
    /// Codes of the product set and its ancestors (filter at any level; facets).
    pub category_codes: Vec<String>,
    /// Producer name.
    pub producer_name: String,
    /// Producer legal form (`ENTERPRISE`, `COOPERATIVE`, …).
    pub producer_kind: String,
    /// Current province code.
    pub province_code: String,
    /// Region code of the province.
    pub region_code: String,
    /// The province's current names and those of the pre-2025 provinces merged into it.
    pub place_names: Vec<String>,
    /// Ward name.
    pub ward_name: String,
    /// Description.
    pub description: String,
    /// Product story.
    pub story: String,
    /// Tone-preserving tokens of the name, category, producer and place names
    /// (see [`text::telex`]); query words typed with tones match them.
    pub tone: String,
    /// `CURRENT`, `REVOKED` or `NONE`.
    pub cert_state: String,
    /// Stars of the current certificate.
    pub stars: Option<u8>,
    /// Issue date of the current certificate.
    pub cert_issued_on: Option<Day>,
    /// Expiry date of the current certificate.
    pub cert_expires_on: Option<Day>,
    /// Outlets listing the product.
    pub outlet_ids: Vec<i64>,
    /// Creation time, seconds since the epoch.
    pub created_at: i64,
    /// Last change, seconds since the epoch.
    pub updated_at: i64,
}

impl ProductDocument {
    /// Fills [`Self::tone`] from the other text fields, with the tone-preserving forms of the
    /// synonyms of what they say (a document saying "chè" is an exact-tone match for "trà").
    pub fn with_tone(mut self) -> Self {
        let mut tokens = text::telex(&self.name);
        for t in self
            .category_names
            .iter()
            .chain([&self.producer_name, &self.ward_name])
            .chain(&self.place_names)
        {
            tokens.extend(text::telex(t));
        }
        let mut tone = tokens.join(" ");
        for synonym in settings::expand(&settings::tone_synonyms(), &tone) {
            tone.push(' ');
            tone.push_str(&synonym);
        }
        self.tone = tone;
        self
    }
}

/// An active outlet as the index sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutletDocument {
    /// The outlet id (primary key of the index).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// Ward name.
    pub ward_name: String,
    /// Current province code.
    pub province_code: String,
    /// The province's current and former names.
    pub place_names: Vec<String>,
    /// Location type (`POST_OFFICE`, …).
    pub kind: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
}
