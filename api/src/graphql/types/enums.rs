//! GraphQL enums, mirroring the entity enums.

use async_graphql::Enum;

use crate::{domain, services};

/// The legal form of a producer.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_entities::producer::ProducerKind")]
pub enum ProducerKind {
    /// Doanh nghiệp (company).
    Enterprise,
    /// Hợp tác xã (cooperative).
    Cooperative,
    /// Tổ hợp tác (cooperative group).
    CooperativeGroup,
    /// Hộ kinh doanh / cơ sở sản xuất (household business).
    Household,
}

/// Province or centrally-run city.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_entities::province::ProvinceKind")]
pub enum ProvinceKind {
    /// Tỉnh.
    Province,
    /// Thành phố trực thuộc trung ương.
    City,
}

/// The kind of a commune-level unit.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_entities::ward::WardKind")]
pub enum WardKind {
    /// Phường (urban ward).
    Ward,
    /// Xã (rural commune).
    Commune,
    /// Đặc khu (special zone).
    SpecialZone,
}

/// Publication state of a product.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_entities::product::ProductStatus")]
pub enum ProductStatus {
    /// Being prepared; not public.
    Draft,
    /// Public.
    Published,
    /// Withdrawn; not public.
    Archived,
}

/// Who recognised the product.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_entities::certification::CertificationLevel")]
pub enum CertificationLevel {
    /// The provincial People's Committee (3★ and 4★).
    Province,
    /// The central council / ministry (5★).
    Central,
}

/// The location type of an outlet (950/QĐ-BCT).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_entities::outlet::OutletKind")]
pub enum OutletKind {
    /// Railway station, airport, bus or ferry terminal.
    TransportHub,
    /// Highway or national-road stop, rest area.
    HighwayStop,
    /// Shopping centre, supermarket or market.
    MallSupermarketMarket,
    /// Shop at a tourist site, restaurant or hotel.
    TouristSiteHotelRestaurant,
    /// Craft village.
    CraftVillage,
    /// Commune commercial service centre, industrial zone or cluster.
    LocalCommercialCentreOrIndustrialZone,
    /// Fair, exhibition or product showcase centre.
    FairExhibitionCentre,
    /// Post office or commune cultural post office.
    PostOffice,
    /// Anything else.
    Other,
}

/// Whether an outlet is open for business.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_entities::outlet::OutletStatus")]
pub enum OutletStatus {
    /// Open.
    Active,
    /// Closed; not public.
    Archived,
}

/// A product's certification status, computed from today's date.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::ProductCertStatus")]
pub enum CertificationStatus {
    /// The current certificate is valid for more than 90 days.
    Valid,
    /// The current certificate is valid but expires within 90 days.
    ExpiringSoon,
    /// The current certificate has expired.
    Expired,
    /// Every certificate was revoked.
    Revoked,
    /// Not certified.
    None,
}

/// The status of one certificate, computed from today's date.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::CertificateStatus")]
pub enum CertificateStatus {
    /// In force for more than 90 days.
    Valid,
    /// In force, expiring within 90 days.
    ExpiringSoon,
    /// Past its expiry date.
    Expired,
    /// Revoked.
    Revoked,
    /// Within its dates, but a later certificate replaced it.
    Superseded,
    /// Its issue date is in the future.
    NotYetValid,
}

/// Which certification states a product list includes.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "services::CertificationFilter")]
pub enum CertificationFilter {
    /// Currently valid, those expiring soon included (the default).
    Valid,
    /// Valid but expiring within 90 days.
    ExpiringSoon,
    /// The current certificate has expired.
    Expired,
    /// Every certificate was revoked.
    Revoked,
    /// Never certified.
    None,
    /// Every published product, whatever its certification.
    Any,
}

/// Order of a product list.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "services::products::ProductSort")]
pub enum ProductSort {
    /// Most recently added first (the default).
    #[default]
    Newest,
    /// Most stars of a valid certificate first.
    StarsDesc,
    /// Alphabetical, accents ignored.
    NameAsc,
}

/// The kind of record an audit entry is filed under.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "services::audit::Subject")]
pub enum AuditEntityType {
    /// A producer.
    Producer,
    /// A product.
    Product,
    /// A certificate.
    Certification,
    /// An outlet.
    Outlet,
    /// A listing, filed under its product's id.
    Listing,
    /// A catalogue import (`ocop import`), filed under id 0: admins only.
    Catalogue,
    /// An API key created or revoked with `ocop keys`: admins only.
    ApiKey,
}
