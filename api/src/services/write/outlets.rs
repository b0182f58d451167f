//! Creating, updating and archiving outlets.

use chrono::{DateTime, Utc};
use ocop_entities::{
    ext::change_log::{Change, ChangeOp},
    listing,
    outlet::{self, OutletKind, OutletStatus},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{
    ARGUMENT_EXPECTED, INPUT_EXPECTED, UnitOfWork, Writer, check::Check, record, set_place,
};
use crate::{
    clock,
    domain::{GeoPoint, Phone, text::limits},
    error::AppResult,
    services::audit,
};

/// The fields of an outlet; on update, `None` leaves a field as it is and an empty string
/// clears an optional text.
#[derive(Clone, Debug, Default)]
pub struct OutletFields {
    /// Name.
    pub name: Option<String>,
    /// URL key (default: made from the name).
    pub slug: Option<String>,
    /// Location type.
    pub kind: Option<OutletKind>,
    /// Ward.
    pub ward_code: Option<String>,
    /// The province the ward must be in.
    pub province_code: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Coordinates `(lat, lng)`.
    pub location: Option<(f64, f64)>,
    /// Phone.
    pub phone: Option<String>,
    /// Opening hours.
    pub opening_hours: Option<String>,
    /// Operator.
    pub operator: Option<String>,
}

/// Checks the given fields into `c` and sets those that pass onto `model`.
fn apply(c: &mut Check<'_>, model: &mut outlet::ActiveModel, f: &OutletFields) {
    if let Some(name) = f
        .name
        .as_deref()
        .and_then(|n| c.text("name", n, limits::NAME))
    {
        model.name = Set(name);
    }
    if let Some(kind) = f.kind {
        model.kind = Set(kind);
    }
    set_place(
        c,
        f.ward_code.as_deref(),
        f.province_code.as_deref(),
        |ward, province| {
            model.ward_code = Set(ward);
            model.province_code = Set(province);
        },
    );
    if let Some(p) = f
        .location
        .and_then(|(lat, lng)| c.check("location", GeoPoint::parse_in_vietnam(lat, lng)))
    {
        model.lat = Set(p.lat);
        model.lng = Set(p.lng);
    }
    if let Some(v) = f
        .phone
        .as_deref()
        .and_then(|v| c.parsed("phone", Some(v), Phone::parse))
    {
        model.phone = Set(v.map(Phone::into_string));
    }
    c.set_optional(
        "address",
        f.address.as_deref(),
        limits::MEDIUM,
        &mut model.address,
    );
    c.set_optional(
        "openingHours",
        f.opening_hours.as_deref(),
        limits::MEDIUM,
        &mut model.opening_hours,
    );
    c.set_optional(
        "operator",
        f.operator.as_deref(),
        limits::NAME,
        &mut model.operator,
    );
}

/// A checked new outlet, as its row without id and slug: what `createOutlet`'s input and an
/// outlet record of an imported file both become.
pub struct NewOutlet(pub outlet::ActiveModel);

impl NewOutlet {
    /// Checks `f` into `c` as a whole new outlet, active and created at `now`: the row holds
    /// what passed, and is complete when `c` found no problem.
    pub fn check(c: &mut Check<'_>, f: &OutletFields, now: DateTime<Utc>) -> Self {
        c.required("name", f.name.as_ref());
        c.required("kind", f.kind);
        c.required("wardCode", f.ward_code.as_ref());
        c.required("location", f.location);
        let mut model = outlet::ActiveModel {
            address: Set(None),
            phone: Set(None),
            opening_hours: Set(None),
            operator: Set(None),
            status: Set(OutletStatus::Active),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        apply(c, &mut model, f);
        Self(model)
    }
}

/// A checked change to an outlet, as the columns it sets: what `updateOutlet`'s input becomes.
pub struct ChangedOutlet(pub outlet::ActiveModel);

impl ChangedOutlet {
    /// Checks the fields `f` gives into `c`, as a change made at `now`: the row holds
    /// what passed.
    pub fn check(c: &mut Check<'_>, f: &OutletFields, now: DateTime<Utc>) -> Self {
        let mut model = outlet::ActiveModel {
            updated_at: Set(now),
            ..Default::default()
        };
        apply(c, &mut model, f);
        Self(model)
    }
}

/// Creates an outlet.
#[tracing::instrument(skip_all)]
pub async fn create(w: Writer<'_>, f: OutletFields) -> AppResult<outlet::Model> {
    let mut c = Check::input(w.reference);
    let NewOutlet(model) = NewOutlet::check(&mut c, &f, clock::now());
    record::ready::<outlet::Entity>(&w, c, &model, None)?;
    // Checked as required.
    let name = f.name.clone().unwrap_or_default();
    let mut work = UnitOfWork::begin(w).await?;
    let created =
        record::insert::<outlet::Entity>(&mut work, model, f.slug.as_deref(), &name).await?;
    work.commit(&[Change::outlet(created.id, ChangeOp::Created)])
        .await?;
    Ok(created)
}

/// Updates an outlet if nobody changed it since `expected_updated_at`.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn update(
    w: Writer<'_>,
    id: i64,
    expected_updated_at: DateTime<Utc>,
    f: OutletFields,
) -> AppResult<outlet::Model> {
    let current = record::find::<outlet::Entity>(&w, id).await?;
    w.caller.require_province(&current.province_code)?;
    let mut c = Check::input(w.reference);
    let ChangedOutlet(model) = ChangedOutlet::check(&mut c, &f, clock::now());
    record::ready::<outlet::Entity>(&w, c, &model, Some(&current))?;
    let mut work = UnitOfWork::begin(w).await?;
    let updated = record::save::<outlet::Entity>(
        &mut work,
        &current,
        model,
        Some((expected_updated_at, INPUT_EXPECTED)),
        f.slug.as_deref(),
        audit::Operation::Update,
    )
    .await?;
    work.commit(&[Change::outlet(id, ChangeOp::Updated)])
        .await?;
    Ok(updated)
}

/// Archives an outlet: it leaves lists, search and the products' pages.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn archive(
    w: Writer<'_>,
    id: i64,
    expected_updated_at: Option<DateTime<Utc>>,
) -> AppResult<outlet::Model> {
    let current = record::find::<outlet::Entity>(&w, id).await?;
    w.caller.require_province(&current.province_code)?;
    let mut work = UnitOfWork::begin(w).await?;
    let model = outlet::ActiveModel {
        status: Set(OutletStatus::Archived),
        updated_at: Set(clock::now()),
        ..Default::default()
    };
    let updated = record::save::<outlet::Entity>(
        &mut work,
        &current,
        model,
        expected_updated_at.map(|t| (t, ARGUMENT_EXPECTED)),
        None,
        audit::Operation::Archive,
    )
    .await?;
    // The outlet leaves the products' documents (outlet filter).
    let listed: Vec<i64> = listing::Entity::find()
        .select_only()
        .column(listing::Column::ProductId)
        .filter(listing::Column::OutletId.eq(id))
        .into_tuple()
        .all(work.txn())
        .await?;
    let change = Change::outlet(id, ChangeOp::Archived).touching_products(listed);
    work.commit(&[change]).await?;
    Ok(updated)
}
