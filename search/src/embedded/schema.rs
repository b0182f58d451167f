//! The tantivy schemas of the embedded index and the conversion of documents into them.
//!
//! Text is folded ([`crate::text::fold`]) before it is indexed, and queries are folded the same
//! way, so tantivy's default tokenizer (split on non-alphanumerics, lowercase) sees plain
//! ASCII words on both sides.

use tantivy::{
    TantivyDocument,
    schema::{FAST, Field, INDEXED, STRING, Schema, TEXT},
};

use crate::{
    document::{OutletDocument, ProductDocument},
    settings,
    text::fold,
};

/// Field handles of the product index.
#[derive(Clone, Debug)]
pub struct ProductFields {
    /// The schema.
    pub schema: Schema,
    /// Product id.
    pub id: Field,
    /// Searchable text fields with their weights.
    pub text: Vec<(Field, f32)>,
    /// The name (also the first of [`Self::text`]).
    pub name: Field,
    /// Tone-preserving tokens.
    pub tone: Field,
    /// Tone-preserving tokens of the name alone (and of its synonyms).
    pub name_tone: Field,
    /// Synonyms of words in the name, category and producer, added at indexing time.
    pub synonyms: Field,
    /// Category codes (every level).
    pub category_codes: Field,
    /// Province code.
    pub province_code: Field,
    /// Region code.
    pub region_code: Field,
    /// Producer kind.
    pub producer_kind: Field,
    /// Certificate state.
    pub cert_state: Field,
    /// Stars (0: none).
    pub stars: Field,
    /// Issue day of the current certificate.
    pub cert_issued_on: Field,
    /// Expiry day of the current certificate.
    pub cert_expires_on: Field,
    /// Outlets listing the product.
    pub outlet_ids: Field,
    /// Creation time.
    pub created_at: Field,
    /// Last change.
    pub updated_at: Field,
}

/// Weight of a match in the index-time synonyms field.
pub const SYNONYM_WEIGHT: f32 = 1.0;

impl ProductFields {
    /// The product schema.
    pub fn new() -> Self {
        let mut b = Schema::builder();
        let id = b.add_u64_field("id", INDEXED | FAST);
        let text: Vec<(Field, f32)> = settings::PRODUCT_SEARCHABLE
            .iter()
            .filter(|(name, _)| *name != "tone")
            .map(|(name, weight)| (b.add_text_field(name, TEXT), *weight))
            .collect();
        let name = text[0].0;
        let tone = b.add_text_field("tone", TEXT);
        let name_tone = b.add_text_field("name_tone", STRING);
        let synonyms = b.add_text_field("synonyms", TEXT);
        let category_codes = b.add_text_field("category_codes", STRING | FAST);
        let province_code = b.add_text_field("province_code", STRING | FAST);
        let region_code = b.add_text_field("region_code", STRING | FAST);
        let producer_kind = b.add_text_field("producer_kind", STRING | FAST);
        let cert_state = b.add_text_field("cert_state", STRING);
        let stars = b.add_u64_field("stars", INDEXED | FAST);
        // Fast fields: range filters scan the column instead of every term in the range.
        let cert_issued_on = b.add_i64_field("cert_issued_on", INDEXED | FAST);
        let cert_expires_on = b.add_i64_field("cert_expires_on", INDEXED | FAST);
        let outlet_ids = b.add_u64_field("outlet_ids", INDEXED);
        let created_at = b.add_i64_field("created_at", INDEXED | FAST);
        let updated_at = b.add_i64_field("updated_at", INDEXED | FAST);
        Self {
            schema: b.build(),
            id,
            text,
            name,
            tone,
            name_tone,
            synonyms,
            category_codes,
            province_code,
            region_code,
            producer_kind,
            cert_state,
            stars,
            cert_issued_on,
            cert_expires_on,
            outlet_ids,
            created_at,
            updated_at,
        }
    }

    /// A tantivy document for a product.
    pub fn document(&self, p: &ProductDocument) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_u64(self.id, p.id as u64);
        let texts: [Vec<&str>; 7] = [
            vec![p.name.as_str()],
            p.category_names.iter().map(String::as_str).collect(),
            vec![p.producer_name.as_str()],
            p.place_names.iter().map(String::as_str).collect(),
            vec![p.ward_name.as_str()],
            vec![p.description.as_str()],
            vec![p.story.as_str()],
        ];
        for ((field, _), values) in self.text.iter().zip(texts) {
            for v in values {
                doc.add_text(*field, fold(v));
            }
        }
        doc.add_text(self.tone, &p.tone);
        for token in name_tone(&p.name) {
            doc.add_text(self.name_tone, token);
        }
        let synonym_source: Vec<&str> = std::iter::once(p.name.as_str())
            .chain(p.category_names.iter().map(String::as_str))
            .chain([p.producer_name.as_str()])
            .collect();
        doc.add_text(self.synonyms, index_synonyms(&synonym_source));
        for code in &p.category_codes {
            doc.add_text(self.category_codes, code);
        }
        doc.add_text(self.province_code, &p.province_code);
        doc.add_text(self.region_code, &p.region_code);
        doc.add_text(self.producer_kind, &p.producer_kind);
        doc.add_text(self.cert_state, &p.cert_state);
        doc.add_u64(self.stars, p.stars.map_or(0, u64::from));
        if let Some(d) = p.cert_issued_on {
            doc.add_i64(self.cert_issued_on, i64::from(d));
        }
        if let Some(d) = p.cert_expires_on {
            doc.add_i64(self.cert_expires_on, i64::from(d));
        }
        for id in &p.outlet_ids {
            doc.add_u64(self.outlet_ids, *id as u64);
        }
        doc.add_i64(self.created_at, p.created_at);
        doc.add_i64(self.updated_at, p.updated_at);
        doc
    }
}

impl Default for ProductFields {
    fn default() -> Self {
        Self::new()
    }
}

/// The synonyms of every word and phrase of `texts`, for the hidden synonyms field: a document
/// that says "HTX" also matches "hợp tác xã", and one that says "chè" also matches "trà".
pub fn index_synonyms(texts: &[&str]) -> String {
    let groups = settings::folded_synonyms();
    let mut out: Vec<String> = Vec::new();
    for text in texts {
        for w in settings::expand(&groups, &crate::text::words(text).join(" ")) {
            if !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out.join(" ")
}

/// The tone-preserving tokens of a name and of the synonyms of its words (a name saying "chè"
/// has the exact tone of "trà").
fn name_tone(name: &str) -> Vec<String> {
    let mut tokens = crate::text::telex(name);
    let synonyms = settings::expand(&settings::tone_synonyms(), &tokens.join(" "));
    tokens.extend(
        synonyms
            .iter()
            .flat_map(|s| s.split(' ').map(str::to_owned)),
    );
    tokens
}

/// Field handles of the outlet index.
#[derive(Clone, Debug)]
pub struct OutletFields {
    /// The schema.
    pub schema: Schema,
    /// Outlet id.
    pub id: Field,
    /// Searchable text fields with their weights.
    pub text: Vec<(Field, f32)>,
    /// Province code.
    pub province_code: Field,
    /// Location type.
    pub kind: Field,
    /// Latitude.
    pub lat: Field,
    /// Longitude.
    pub lng: Field,
}

impl OutletFields {
    /// The outlet schema.
    pub fn new() -> Self {
        let mut b = Schema::builder();
        let id = b.add_u64_field("id", INDEXED | FAST);
        let text = settings::OUTLET_SEARCHABLE
            .iter()
            .map(|(name, weight)| (b.add_text_field(name, TEXT), *weight))
            .collect();
        let province_code = b.add_text_field("province_code", STRING);
        let kind = b.add_text_field("kind", STRING);
        let lat = b.add_f64_field("lat", FAST);
        let lng = b.add_f64_field("lng", FAST);
        Self {
            schema: b.build(),
            id,
            text,
            province_code,
            kind,
            lat,
            lng,
        }
    }

    /// A tantivy document for an outlet.
    pub fn document(&self, o: &OutletDocument) -> TantivyDocument {
        let mut doc = TantivyDocument::new();
        doc.add_u64(self.id, o.id as u64);
        let texts: [Vec<&str>; 4] = [
            vec![o.name.as_str()],
            o.place_names.iter().map(String::as_str).collect(),
            vec![o.ward_name.as_str()],
            vec![o.address.as_str()],
        ];
        for ((field, _), values) in self.text.iter().zip(texts) {
            for v in values {
                doc.add_text(*field, fold(v));
            }
        }
        doc.add_text(self.province_code, &o.province_code);
        doc.add_text(self.kind, &o.kind);
        doc.add_f64(self.lat, o.lat);
        doc.add_f64(self.lng, o.lng);
        doc
    }
}

impl Default for OutletFields {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_time_synonyms_cover_words_and_phrases() {
        assert_eq!(index_synonyms(&["HTX Chè Hảo Đạt"]), "tra hop tac xa");
        assert_eq!(index_synonyms(&["Hợp tác xã Nông sản"]), "htx");
        assert_eq!(index_synonyms(&["Nước mắm"]), "");
    }

    #[test]
    fn searchable_fields_follow_the_settings_order() {
        let f = ProductFields::new();
        let names: Vec<&str> = f
            .text
            .iter()
            .map(|(field, _)| f.schema.get_field_name(*field))
            .collect();
        assert_eq!(
            names,
            [
                "name",
                "category_names",
                "producer_name",
                "place_names",
                "ward_name",
                "description",
                "story"
            ]
        );
    }
}
