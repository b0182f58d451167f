//! Creating, updating and archiving products.
//!
//! Just over 300 lines: a product's fields, their checks for a new one and a change, and its
//! three writes.

use chrono::{DateTime, Utc};
use ocop_entities::{
    StringList,
    ext::change_log::{Change, ChangeOp},
    producer,
    product::{self, CertState, ProductStatus},
};
use sea_orm::{ActiveValue::Set, EntityTrait};

use super::{
    ARGUMENT_EXPECTED, INPUT_EXPECTED, UnitOfWork, Writer, check::Check, record, set_place,
};
use crate::{
    clock,
    domain::{Vnd, text::limits},
    error::AppResult,
    services::audit,
};

/// The fields of a product; on update, `None` leaves a field as it is and an empty string
/// clears an optional text.
#[derive(Clone, Debug, Default)]
pub struct ProductFields {
    /// Name.
    pub name: Option<String>,
    /// URL key (default: made from the name).
    pub slug: Option<String>,
    /// Product set (a leaf).
    pub category_code: Option<String>,
    /// Producer id.
    pub producer_id: Option<i64>,
    /// Ward of origin.
    pub ward_code: Option<String>,
    /// The province the ward must be in.
    pub province_code: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Product story.
    pub story: Option<String>,
    /// Image URLs (replaces the list).
    pub images: Option<Vec<String>>,
    /// Packaging.
    pub packaging: Option<String>,
    /// Selling unit.
    pub unit: Option<String>,
    /// Lowest price.
    pub price_min_vnd: Option<i64>,
    /// Highest price.
    pub price_max_vnd: Option<i64>,
    /// Publication state.
    pub status: Option<ProductStatus>,
}

/// Checks the given fields into `c` and sets those that pass onto `model`; `current` is the
/// row being updated, if any.
fn apply(
    c: &mut Check<'_>,
    model: &mut product::ActiveModel,
    f: &ProductFields,
    current: Option<&product::Model>,
) {
    if let Some(name) = f
        .name
        .as_deref()
        .and_then(|n| c.text("name", n, limits::NAME))
    {
        model.sort_name = Set(ocop_search::text::fold(&name));
        model.name = Set(name);
    }
    if let Some(code) = f
        .category_code
        .as_deref()
        .and_then(|code| c.category("categoryCode", code))
    {
        model.category_code = Set(code);
    }
    if let Some(id) = f.producer_id {
        model.producer_id = Set(id);
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
        "description",
        f.description.as_deref(),
        limits::LONG,
        &mut model.description,
    );
    c.set_optional("story", f.story.as_deref(), limits::LONG, &mut model.story);
    c.set_optional(
        "packaging",
        f.packaging.as_deref(),
        limits::MEDIUM,
        &mut model.packaging,
    );
    c.set_optional("unit", f.unit.as_deref(), limits::SHORT, &mut model.unit);
    if let Some(images) = f.images.as_deref().and_then(|i| c.images("images", i)) {
        model.images = Set(StringList(images.into_vec()));
    }
    let given_min = c.price("priceMinVnd", f.price_min_vnd);
    let given_max = c.price("priceMaxVnd", f.price_max_vnd);
    if let (Some(given_min), Some(given_max)) = (given_min, given_max) {
        // An end not given keeps its stored value, which the range must still respect.
        let stored = |v: Option<i64>| v.and_then(|p| Vnd::parse(p).ok());
        let min = f.price_min_vnd.map_or_else(
            || stored(current.and_then(|c| c.price_min_vnd)),
            |_| given_min,
        );
        let max = f.price_max_vnd.map_or_else(
            || stored(current.and_then(|c| c.price_max_vnd)),
            |_| given_max,
        );
        if let Some(range) = c.price_range(min, max) {
            if f.price_min_vnd.is_some() {
                model.price_min_vnd = Set(range.min.map(Vnd::get));
            }
            if f.price_max_vnd.is_some() {
                model.price_max_vnd = Set(range.max.map(Vnd::get));
            }
        }
    }
    if let Some(status) = f.status {
        model.status = Set(status);
    }
}

/// Checks that the producer given exists.
async fn producer_exists(w: &Writer<'_>, c: &mut Check<'_>, f: &ProductFields) -> AppResult<()> {
    if let Some(id) = f.producer_id
        && producer::Entity::find_by_id(id).one(w.db).await?.is_none()
    {
        c.fail("producerId", format!("no producer {id}"));
    }
    Ok(())
}

/// A checked new product, as its row without id, slug, producer and certificate summary: what
/// `createProduct`'s input and a product record of an imported file both become.
pub struct NewProduct(pub product::ActiveModel);

impl NewProduct {
    /// Checks `f` into `c` as a whole new product, published unless told otherwise, without
    /// certificates, created at `now`: the row holds what passed, and is complete when `c`
    /// found no problem. Its producer is checked by the caller (an id here, a slug in a file).
    pub fn check(c: &mut Check<'_>, f: &ProductFields, now: DateTime<Utc>) -> Self {
        c.required("name", f.name.as_ref());
        c.required("categoryCode", f.category_code.as_ref());
        c.required("wardCode", f.ward_code.as_ref());
        let mut model = product::ActiveModel {
            images: Set(StringList::default()),
            description: Set(None),
            story: Set(None),
            packaging: Set(None),
            unit: Set(None),
            price_min_vnd: Set(None),
            price_max_vnd: Set(None),
            status: Set(ProductStatus::Published),
            cert_state: Set(CertState::None),
            cert_stars: Set(None),
            cert_issued_on: Set(None),
            cert_expires_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        apply(c, &mut model, f, None);
        Self(model)
    }
}

/// A checked change to a product, as the columns it sets: what `updateProduct`'s input becomes.
pub struct ChangedProduct(pub product::ActiveModel);

impl ChangedProduct {
    /// Checks the fields `f` gives into `c`, as a change made at `now` to `current`: the row holds
    /// what passed.
    pub fn check(
        c: &mut Check<'_>,
        f: &ProductFields,
        current: &product::Model,
        now: DateTime<Utc>,
    ) -> Self {
        let mut model = product::ActiveModel {
            updated_at: Set(now),
            ..Default::default()
        };
        apply(c, &mut model, f, Some(current));
        Self(model)
    }
}

/// Creates a product (published unless told otherwise), without certificates.
#[tracing::instrument(skip_all)]
pub async fn create(w: Writer<'_>, f: ProductFields) -> AppResult<product::Model> {
    let mut c = Check::input(w.reference);
    c.required("producerId", f.producer_id);
    producer_exists(&w, &mut c, &f).await?;
    let NewProduct(model) = NewProduct::check(&mut c, &f, clock::now());
    record::ready::<product::Entity>(&w, c, &model, None)?;
    // Checked as required.
    let name = f.name.clone().unwrap_or_default();
    let mut work = UnitOfWork::begin(w).await?;
    let created =
        record::insert::<product::Entity>(&mut work, model, f.slug.as_deref(), &name).await?;
    work.commit(&[Change::product(created.id, ChangeOp::Created)])
        .await?;
    Ok(created)
}

/// Updates a product if nobody changed it since `expected_updated_at`.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn update(
    w: Writer<'_>,
    id: i64,
    expected_updated_at: DateTime<Utc>,
    f: ProductFields,
) -> AppResult<product::Model> {
    let current = record::find::<product::Entity>(&w, id).await?;
    w.caller.require_province(&current.province_code)?;
    let mut c = Check::input(w.reference);
    producer_exists(&w, &mut c, &f).await?;
    let ChangedProduct(model) = ChangedProduct::check(&mut c, &f, &current, clock::now());
    record::ready::<product::Entity>(&w, c, &model, Some(&current))?;
    write(
        w,
        &current,
        model,
        Some((expected_updated_at, INPUT_EXPECTED)),
        f.slug.as_deref(),
        audit::Operation::Update,
    )
    .await
}

/// Archives a product: it leaves lists, search and shelves, and stays in the history.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn archive(
    w: Writer<'_>,
    id: i64,
    expected_updated_at: Option<DateTime<Utc>>,
) -> AppResult<product::Model> {
    let current = record::find::<product::Entity>(&w, id).await?;
    w.caller.require_province(&current.province_code)?;
    let model = product::ActiveModel {
        status: Set(ProductStatus::Archived),
        updated_at: Set(clock::now()),
        ..Default::default()
    };
    let expected = expected_updated_at.map(|t| (t, ARGUMENT_EXPECTED));
    write(
        w,
        &current,
        model,
        expected,
        None,
        audit::Operation::Archive,
    )
    .await
}

async fn write(
    w: Writer<'_>,
    current: &product::Model,
    model: product::ActiveModel,
    expected_updated_at: Option<(DateTime<Utc>, &'static str)>,
    slug: Option<&str>,
    operation: audit::Operation,
) -> AppResult<product::Model> {
    let mut work = UnitOfWork::begin(w).await?;
    let updated = record::save::<product::Entity>(
        &mut work,
        current,
        model,
        expected_updated_at,
        slug,
        operation,
    )
    .await?;
    let op = if operation == audit::Operation::Archive {
        ChangeOp::Archived
    } else {
        ChangeOp::Updated
    };
    work.commit(&[Change::product(current.id, op)]).await?;
    Ok(updated)
}
