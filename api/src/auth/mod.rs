//! Who is calling: API keys, roles and what each may do.

pub mod caller;
pub mod key;

pub use caller::{Caller, KeyIdentity};
pub use key::{ApiKey, ParsedKey};
