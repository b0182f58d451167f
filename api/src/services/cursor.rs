//! Opaque, stable pagination cursors: the sort key and id of the last item seen.
//!
//! A cursor encodes where a page ended, not an offset, so inserting records never shifts the
//! following pages.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::AppError;

/// Encodes any serialisable position as an opaque string.
pub fn encode<T: Serialize>(position: &T) -> String {
    let json = serde_json::to_vec(position).expect("cursor positions serialise");
    URL_SAFE_NO_PAD.encode(json)
}

/// Decodes a cursor produced by [`encode`]; anything else is a `BAD_USER_INPUT` on `field`.
pub fn decode<T: DeserializeOwned>(cursor: &str, field: &str) -> Result<T, AppError> {
    let invalid = || AppError::bad_input(field, "is not a cursor returned by this query");
    if cursor.len() > 512 {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}

/// A position in a list ordered by one key and then by id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Position<K> {
    /// Which ordering the cursor belongs to (a cursor of one sort is refused by another).
    pub s: String,
    /// The sort key of the last item.
    pub k: K,
    /// The id of the last item.
    pub i: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_opaque() {
        let p = Position {
            s: "NEWEST".into(),
            k: "2026-11-22T10:00:00Z".to_owned(),
            i: 42,
        };
        let c = encode(&p);
        assert!(!c.contains("NEWEST"));
        assert_eq!(decode::<Position<String>>(&c, "after").unwrap(), p);
    }

    #[test]
    fn garbage_cursors_are_bad_input() {
        for bad in ["", "!!!", "bm90IGpzb24", &"A".repeat(600)] {
            let err = decode::<Position<String>>(bad, "after").unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{bad}");
        }
    }
}
