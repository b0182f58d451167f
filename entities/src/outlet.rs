//! `outlets`: OCOP introduction and sales points (950/QĐ-BCT).

use sea_orm::entity::prelude::*;

/// The location type of an outlet, after the criteria of 950/QĐ-BCT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(48))")]
pub enum OutletKind {
    /// Railway station, airport, bus or ferry terminal.
    #[sea_orm(string_value = "TRANSPORT_HUB")]
    TransportHub,
    /// Highway or national-road stop, rest area.
    #[sea_orm(string_value = "HIGHWAY_STOP")]
    HighwayStop,
    /// Shopping centre, supermarket or market.
    #[sea_orm(string_value = "MALL_SUPERMARKET_MARKET")]
    MallSupermarketMarket,
    /// Shop at a tourist site, restaurant or hotel.
    #[sea_orm(string_value = "TOURIST_SITE_HOTEL_RESTAURANT")]
    TouristSiteHotelRestaurant,
    /// Craft village.
    #[sea_orm(string_value = "CRAFT_VILLAGE")]
    CraftVillage,
    /// Commune commercial service centre, industrial zone or cluster.
    #[sea_orm(string_value = "LOCAL_COMMERCIAL_CENTRE_OR_INDUSTRIAL_ZONE")]
    LocalCommercialCentreOrIndustrialZone,
    /// Fair, exhibition or product showcase centre.
    #[sea_orm(string_value = "FAIR_EXHIBITION_CENTRE")]
    FairExhibitionCentre,
    /// Post office or commune cultural post office.
    #[sea_orm(string_value = "POST_OFFICE")]
    PostOffice,
    /// Anything else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Whether an outlet is open for business.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum OutletStatus {
    /// Open.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Closed; kept for history, not public.
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

/// An outlet.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "outlets")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique URL-safe key.
    #[sea_orm(unique)]
    pub slug: String,
    /// Name.
    pub name: String,
    /// Location type.
    pub kind: OutletKind,
    /// Current ward code.
    pub ward_code: String,
    /// Province of `ward_code` (kept for filtering).
    pub province_code: String,
    /// Street address.
    pub address: Option<String>,
    /// Latitude (WGS 84).
    pub lat: f64,
    /// Longitude (WGS 84).
    pub lng: f64,
    /// Contact phone.
    pub phone: Option<String>,
    /// Opening hours as displayed, e.g. "07:30–21:00".
    pub opening_hours: Option<String>,
    /// Who runs it.
    pub operator: Option<String>,
    /// Open or archived.
    pub status: OutletStatus,
    /// When the record was created.
    pub created_at: DateTimeUtc,
    /// When the record was last changed.
    pub updated_at: DateTimeUtc,
}

/// No navigable relations: joins are written explicitly where needed.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
