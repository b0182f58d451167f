//! Creating and updating producers.

use chrono::{DateTime, Utc};
use ocop_entities::{
    ext::change_log::{Change, ChangeKind, ChangeOp},
    producer,
    producer::ProducerKind,
};
use sea_orm::ActiveValue::Set;

use super::{
    INPUT_EXPECTED, UnitOfWork, Writer, check::Check, products_of_producer, record, set_place,
};
use crate::{
    clock,
    domain::{Email, Phone, TaxCode, text::limits},
    error::AppResult,
    services::audit,
};

/// The fields of a producer; on update, `None` leaves a field as it is and an empty string
/// clears an optional one.
#[derive(Clone, Debug, Default)]
pub struct ProducerFields {
    /// Registered name.
    pub name: Option<String>,
    /// URL key (default: made from the name).
    pub slug: Option<String>,
    /// Legal form.
    pub kind: Option<ProducerKind>,
    /// Current ward.
    pub ward_code: Option<String>,
    /// The province the ward must be in.
    pub province_code: Option<String>,
    /// Address as printed.
    pub address: Option<String>,
    /// Legal representative.
    pub representative: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Tax code.
    pub tax_code: Option<String>,
}

/// Checks the given fields into `c` and sets those that pass onto `model`.
fn apply(c: &mut Check<'_>, model: &mut producer::ActiveModel, f: &ProducerFields) {
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
    c.set_optional(
        "address",
        f.address.as_deref(),
        limits::MEDIUM,
        &mut model.address,
    );
    c.set_optional(
        "representative",
        f.representative.as_deref(),
        limits::NAME,
        &mut model.representative,
    );
    if let Some(v) = f
        .phone
        .as_deref()
        .and_then(|v| c.parsed("phone", Some(v), Phone::parse))
    {
        model.phone = Set(v.map(Phone::into_string));
    }
    if let Some(v) = f
        .email
        .as_deref()
        .and_then(|v| c.parsed("email", Some(v), Email::parse))
    {
        model.email = Set(v.map(Email::into_string));
    }
    if let Some(v) = f
        .tax_code
        .as_deref()
        .and_then(|v| c.parsed("taxCode", Some(v), TaxCode::parse))
    {
        model.tax_code = Set(v.map(TaxCode::into_string));
    }
}

/// A checked new producer, as its row without id and slug: what `createProducer`'s input and
/// a producer record of an imported file both become.
pub struct NewProducer(pub producer::ActiveModel);

impl NewProducer {
    /// Checks `f` into `c` as a whole new producer, created at `now`: the row holds what
    /// passed, and is complete when `c` found no problem.
    pub fn check(c: &mut Check<'_>, f: &ProducerFields, now: DateTime<Utc>) -> Self {
        c.required("name", f.name.as_ref());
        c.required("kind", f.kind);
        c.required("wardCode", f.ward_code.as_ref());
        let mut model = producer::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            address: Set(None),
            representative: Set(None),
            phone: Set(None),
            email: Set(None),
            tax_code: Set(None),
            ..Default::default()
        };
        apply(c, &mut model, f);
        Self(model)
    }
}

/// A checked change to a producer, as the columns it sets: what `updateProducer`'s input becomes.
pub struct ChangedProducer(pub producer::ActiveModel);

impl ChangedProducer {
    /// Checks the fields `f` gives into `c`, as a change made at `now`: the row holds
    /// what passed.
    pub fn check(c: &mut Check<'_>, f: &ProducerFields, now: DateTime<Utc>) -> Self {
        let mut model = producer::ActiveModel {
            updated_at: Set(now),
            ..Default::default()
        };
        apply(c, &mut model, f);
        Self(model)
    }
}

/// Creates a producer.
#[tracing::instrument(skip_all)]
pub async fn create(w: Writer<'_>, f: ProducerFields) -> AppResult<producer::Model> {
    let mut c = Check::input(w.reference);
    let NewProducer(model) = NewProducer::check(&mut c, &f, clock::now());
    record::ready::<producer::Entity>(&w, c, &model, None)?;
    // Checked as required.
    let name = f.name.clone().unwrap_or_default();
    let mut work = UnitOfWork::begin(w).await?;
    let created =
        record::insert::<producer::Entity>(&mut work, model, f.slug.as_deref(), &name).await?;
    work.commit(&[Change::new(
        ChangeKind::Producer,
        created.id,
        ChangeOp::Created,
    )])
    .await?;
    Ok(created)
}

/// Updates a producer if nobody changed it since `expected_updated_at`.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn update(
    w: Writer<'_>,
    id: i64,
    expected_updated_at: DateTime<Utc>,
    f: ProducerFields,
) -> AppResult<producer::Model> {
    let current = record::find::<producer::Entity>(&w, id).await?;
    w.caller.require_province(&current.province_code)?;
    let mut c = Check::input(w.reference);
    let ChangedProducer(model) = ChangedProducer::check(&mut c, &f, clock::now());
    record::ready::<producer::Entity>(&w, c, &model, Some(&current))?;
    let mut work = UnitOfWork::begin(w).await?;
    let updated = record::save::<producer::Entity>(
        &mut work,
        &current,
        model,
        Some((expected_updated_at, INPUT_EXPECTED)),
        f.slug.as_deref(),
        audit::Operation::Update,
    )
    .await?;
    // Producer names and kinds are in the products' search documents.
    let change = Change::new(ChangeKind::Producer, id, ChangeOp::Updated)
        .touching_products(products_of_producer(work.txn(), id).await?);
    work.commit(&[change]).await?;
    Ok(updated)
}
