//! API key format: `ocop_<prefix>_<secret>`. The prefix finds the key; only a SHA-256 of the
//! secret is stored. Keys are printed once, when created.

use rand::{Rng, distr::Alphanumeric};
use sha2::{Digest, Sha256};

/// Length of the public prefix.
pub const PREFIX_LEN: usize = 12;
/// Length of the secret.
pub const SECRET_LEN: usize = 40;

/// A freshly generated key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The public prefix.
    pub prefix: String,
    /// The secret (never stored).
    secret: String,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKey({}, <secret>)", self.prefix)
    }
}

impl ApiKey {
    /// A new random key.
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let mut chunk = |n| {
            (&mut rng)
                .sample_iter(&Alphanumeric)
                .take(n)
                .map(char::from)
                .collect::<String>()
        };
        Self {
            prefix: chunk(PREFIX_LEN),
            secret: chunk(SECRET_LEN),
        }
    }

    /// The whole key, to give to its holder once.
    pub fn reveal(&self) -> String {
        format!("ocop_{}_{}", self.prefix, self.secret)
    }

    /// What is stored.
    pub fn secret_hash(&self) -> String {
        hash(&self.secret)
    }
}

/// A key as presented by a client, split into its parts.
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedKey {
    /// Prefix.
    pub prefix: String,
    secret: String,
}

impl std::fmt::Debug for ParsedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ParsedKey({}, <secret>)", self.prefix)
    }
}

impl ParsedKey {
    /// Splits `ocop_<prefix>_<secret>`; `None` when it is not shaped like a key.
    pub fn parse(s: &str) -> Option<Self> {
        let rest = s.strip_prefix("ocop_")?;
        let (prefix, secret) = rest.split_once('_')?;
        let ok = |p: &str, n| p.len() == n && p.bytes().all(|b| b.is_ascii_alphanumeric());
        (ok(prefix, PREFIX_LEN) && ok(secret, SECRET_LEN)).then(|| Self {
            prefix: prefix.to_owned(),
            secret: secret.to_owned(),
        })
    }

    /// Whether the secret matches a stored hash (compared in constant time).
    pub fn matches(&self, stored_hash: &str) -> bool {
        let computed = hash(&self.secret);
        computed.len() == stored_hash.len()
            && computed
                .bytes()
                .zip(stored_hash.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_parse_and_match_only_their_own_hash() {
        let key = ApiKey::generate();
        let other = ApiKey::generate();
        assert_ne!(key, other);
        let parsed = ParsedKey::parse(&key.reveal()).expect("a well-formed key");
        assert_eq!(parsed.prefix, key.prefix);
        assert!(parsed.matches(&key.secret_hash()));
        assert!(!parsed.matches(&other.secret_hash()));
        assert_eq!(key.secret_hash().len(), 64);
    }

    #[test]
    fn malformed_keys_are_not_keys() {
        for bad in [
            "",
            "ocop_",
            "ocop_abc_def",
            "Bearer x",
            "ocop_!!!!!!!!!!!!_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ] {
            assert!(ParsedKey::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let key = ApiKey::generate();
        let shown = format!("{key:?} {:?}", ParsedKey::parse(&key.reveal()).unwrap());
        assert!(!shown.contains(&key.reveal()[18..]), "{shown}");
    }
}
