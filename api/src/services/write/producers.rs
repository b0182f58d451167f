//! Creating and updating producers.

use chrono::{DateTime, Utc};
use ocop_entities::{
    ext::change_log::{Change, ChangeKind, ChangeOp},
    producer,
    producer::ProducerKind,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use super::{
    INPUT_EXPECTED, UnitOfWork, Writer, bad, field, free_slug, optional_text, products_of_producer,
    text, update_unless_stale, ward_in_province,
};
use crate::{
    clock,
    domain::{Email, Phone, TaxCode, text::limits},
    error::{AppError, AppResult},
    services::audit::{self, Entry, snapshot},
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

fn contact(
    name: &str,
    value: Option<&str>,
    parse: fn(&str) -> Result<String, String>,
) -> AppResult<Option<Option<String>>> {
    match value {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(Some(None)),
        Some(v) => field(name, parse(v)).map(|v| Some(Some(v))),
    }
}

/// Applies the given fields onto `model`.
fn apply(w: &Writer<'_>, model: &mut producer::ActiveModel, f: &ProducerFields) -> AppResult<()> {
    if let Some(name) = &f.name {
        model.name = Set(text("name", name, limits::NAME)?);
    }
    if let Some(kind) = f.kind {
        model.kind = Set(kind);
    }
    if let Some(ward) = &f.ward_code {
        let (ward, province) = ward_in_province(w.reference, ward, f.province_code.as_deref())?;
        model.ward_code = Set(ward);
        model.province_code = Set(province);
    } else if f.province_code.is_some() {
        return Err(bad(
            "provinceCode",
            "give wardCode too: the province follows from the ward",
        ));
    }
    if let Some(v) = &f.address {
        model.address = Set(optional_text("address", Some(v), limits::MEDIUM)?);
    }
    if let Some(v) = &f.representative {
        model.representative = Set(optional_text("representative", Some(v), limits::NAME)?);
    }
    if let Some(v) = contact("phone", f.phone.as_deref(), |v| {
        Phone::parse(v).map(Phone::into_string)
    })? {
        model.phone = Set(v);
    }
    if let Some(v) = contact("email", f.email.as_deref(), |v| {
        Email::parse(v).map(Email::into_string)
    })? {
        model.email = Set(v);
    }
    if let Some(v) = contact("taxCode", f.tax_code.as_deref(), |v| {
        TaxCode::parse(v).map(TaxCode::into_string)
    })? {
        model.tax_code = Set(v);
    }
    Ok(())
}

/// Creates a producer.
#[tracing::instrument(skip_all)]
pub async fn create(w: Writer<'_>, f: ProducerFields) -> AppResult<producer::Model> {
    let name = f.name.clone().ok_or_else(|| bad("name", "is required"))?;
    let kind = f.kind.ok_or_else(|| bad("kind", "is required"))?;
    let ward = f
        .ward_code
        .clone()
        .ok_or_else(|| bad("wardCode", "is required"))?;
    let (_, province) = ward_in_province(w.reference, &ward, f.province_code.as_deref())?;
    w.caller.require_province(&province)?;
    let now = clock::now();
    let mut model = producer::ActiveModel {
        kind: Set(kind),
        created_at: Set(now),
        updated_at: Set(now),
        address: Set(None),
        representative: Set(None),
        phone: Set(None),
        email: Set(None),
        tax_code: Set(None),
        ..Default::default()
    };
    apply(&w, &mut model, &f)?;
    let mut work = UnitOfWork::begin(w).await?;
    model.slug = Set(free_slug::<_, producer::Entity>(
        work.txn(),
        producer::Column::Slug,
        f.slug.as_deref(),
        &name,
        None,
    )
    .await?);
    let created = model.insert(work.txn()).await?;
    work.audit(Entry {
        entity_type: audit::Subject::Producer,
        entity_id: created.id,
        operation: audit::Operation::Create,
        province: Some(&created.province_code),
        before: None,
        after: snapshot(&created),
    })
    .await?;
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
    let current = producer::Entity::find_by_id(id)
        .one(w.db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no producer {id}")))?;
    w.caller.require_province(&current.province_code)?;
    let mut model = producer::ActiveModel {
        updated_at: Set(clock::now()),
        ..Default::default()
    };
    apply(&w, &mut model, &f)?;
    if let sea_orm::ActiveValue::Set(province) = &model.province_code
        && province != &current.province_code
    {
        w.caller.require_province(province)?;
    }
    let mut work = UnitOfWork::begin(w).await?;
    if f.slug.is_some() {
        let name = f.name.as_deref().unwrap_or(&current.name);
        model.slug = Set(free_slug::<_, producer::Entity>(
            work.txn(),
            producer::Column::Slug,
            f.slug.as_deref(),
            name,
            Some((producer::Column::Id, id)),
        )
        .await?);
    }
    let updated = update_unless_stale::<producer::Entity, _>(
        work.txn(),
        model,
        (producer::Column::Id, producer::Column::UpdatedAt),
        id,
        Some((expected_updated_at, INPUT_EXPECTED)),
        current.updated_at,
        "producer",
    )
    .await?;
    work.audit(Entry {
        entity_type: audit::Subject::Producer,
        entity_id: id,
        operation: audit::Operation::Update,
        province: Some(&updated.province_code),
        before: snapshot(&current),
        after: snapshot(&updated),
    })
    .await?;
    // Producer names and kinds are in the products' search documents.
    let change = Change::new(ChangeKind::Producer, id, ChangeOp::Updated)
        .touching_products(products_of_producer(work.txn(), id).await?);
    work.commit(&[change]).await?;
    Ok(updated)
}
