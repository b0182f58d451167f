//! Certificate verification codes: what the QR on a product's stamp carries.
//!
//! A code is 16 characters of Crockford base32 (80 random bits from the operating system's
//! generator), so it cannot be guessed or derived from a certificate's id or printed number.
//! It is shown grouped (`7K3M-9QXD-2F4R-HT8W`) and read back leniently: case, dashes and spaces
//! do not matter, and `O`, `I` and `L` read as `0`, `1` and `1`, as a buyer might type them.

use rand::Rng;

/// Crockford's base32 alphabet: no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code.
pub const LENGTH: usize = 16;

/// A new random code, in its canonical form (16 characters, no dashes).
pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..LENGTH)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// The canonical form of what a buyer typed or a QR carried, or `None` when it cannot be a code.
pub fn normalize(input: &str) -> Option<String> {
    let mut code = String::with_capacity(LENGTH);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        if code.len() == LENGTH {
            return None;
        }
        code.push(c);
    }
    (code.len() == LENGTH).then_some(code)
}

/// The grouped form printed under a QR: `XXXX-XXXX-XXXX-XXXX`.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_canonical_and_distinct() {
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), LENGTH);
        assert_ne!(a, b, "80 random bits do not repeat");
        assert_eq!(normalize(&a).as_deref(), Some(a.as_str()));
    }

    #[test]
    fn typed_forms_read_back() {
        assert_eq!(
            normalize("7k3m-9qxd 2f4r-ht8w").as_deref(),
            Some("7K3M9QXD2F4RHT8W")
        );
        assert_eq!(
            normalize("OIL0000000000000").as_deref(),
            Some("0110000000000000")
        );
        assert_eq!(grouped("7K3M9QXD2F4RHT8W"), "7K3M-9QXD-2F4R-HT8W");
    }

    #[test]
    fn other_input_is_not_a_code() {
        for bad in [
            "",
            "7K3M",
            "7K3M9QXD2F4RHT8WX",
            "7K3M9QXD2F4RHT8U",
            "ẞ",
            "12345678901234'5",
        ] {
            assert_eq!(normalize(bad), None, "{bad:?}");
        }
    }
}
