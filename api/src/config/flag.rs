//! Boolean settings in the spellings operators use: `true`/`false`, `1`/`0`, `yes`/`no`,
//! `on`/`off` (any case). The environment gives `OCOP_DEMO=0` as a number, a TOML file gives
//! `demo = false` as a boolean; both mean the same.

use std::fmt;

use serde::{
    Deserializer,
    de::{self, Unexpected, Visitor},
};

/// The value of a spelling, if it is one.
pub fn parse(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

struct Flag;

impl Visitor<'_> for Flag {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean: true/false, 1/0, yes/no or on/off")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        parse(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// `#[serde(deserialize_with = "flag::deserialize")]`.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(Flag)
}

/// For `Option<bool>` settings.
pub mod option {
    use super::*;

    struct OptionalFlag;

    impl<'de> Visitor<'de> for OptionalFlag {
        type Value = Option<bool>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            Flag.expecting(f)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            super::deserialize(d).map(Some)
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Flag.visit_bool(v).map(Some)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Flag.visit_u64(v).map(Some)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Flag.visit_i64(v).map(Some)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Flag.visit_str(v).map(Some)
        }
    }

    /// `#[serde(default, deserialize_with = "flag::option::deserialize")]`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        d.deserialize_option(OptionalFlag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_usual_spelling_is_a_boolean() {
        for s in ["1", "true", "TRUE", "yes", "Yes", "on", " ON "] {
            assert_eq!(parse(s), Some(true), "{s}");
        }
        for s in ["0", "false", "False", "no", "NO", "off", "Off"] {
            assert_eq!(parse(s), Some(false), "{s}");
        }
        for s in ["", "2", "maybe", "nope", "truee"] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
