//! What the audit trail files an entry under and what the write did: closed sets, stored as
//! the strings the trail has always held (`product`, `UPDATE`), so that no migration is needed
//! and every older entry keeps its meaning.

/// The kind of record an entry is filed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A producer.
    Producer,
    /// A product.
    Product,
    /// A certificate.
    Certification,
    /// An outlet.
    Outlet,
    /// A product's listing at an outlet, filed under the product.
    Listing,
    /// A whole catalogue file (`ocop import`), filed under id 0.
    Catalogue,
    /// An API key (created or revoked with `ocop keys`).
    ApiKey,
}

impl Subject {
    /// Every subject.
    pub const ALL: [Self; 7] = [
        Self::Producer,
        Self::Product,
        Self::Certification,
        Self::Outlet,
        Self::Listing,
        Self::Catalogue,
        Self::ApiKey,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Producer => "producer",
            Self::Product => "product",
            Self::Certification => "certification",
            Self::Outlet => "outlet",
            Self::Listing => "listing",
            Self::Catalogue => "catalogue",
            Self::ApiKey => "api_key",
        }
    }
}

/// What a write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// A record was created (or a key issued).
    Create,
    /// A record was changed.
    Update,
    /// A product or outlet was archived.
    Archive,
    /// A certificate was issued.
    Certify,
    /// A certificate or a key was revoked.
    Revoke,
    /// A listing was set.
    SetListing,
    /// A listing was removed.
    RemoveListing,
    /// A catalogue file was imported.
    Import,
}

impl Operation {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "CREATE",
            Self::Update => "UPDATE",
            Self::Archive => "ARCHIVE",
            Self::Certify => "CERTIFY",
            Self::Revoke => "REVOKE",
            Self::SetListing => "SET_LISTING",
            Self::RemoveListing => "REMOVE_LISTING",
            Self::Import => "IMPORT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_are_distinct_and_unchanged() {
        let names: std::collections::HashSet<_> = Subject::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names.len(), Subject::ALL.len());
        // The names entries were written with before the enums: changing one would orphan them.
        assert_eq!(Subject::Listing.as_str(), "listing");
        assert_eq!(Operation::SetListing.as_str(), "SET_LISTING");
    }
}
