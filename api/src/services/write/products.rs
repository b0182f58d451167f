//! Creating, updating and archiving products.

use chrono::{DateTime, Utc};
use ocop_entities::{
    StringList,
    ext::change_log::{Change, ChangeOp},
    producer,
    product::{self, CertState, ProductStatus},
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use super::{
    ARGUMENT_EXPECTED, INPUT_EXPECTED, UnitOfWork, Writer, bad, field, free_slug, optional_text,
    text, update_unless_stale, ward_in_province,
};
use crate::{
    clock,
    domain::{Vnd, WebUrl, text::limits},
    error::{AppError, AppResult},
    services::audit::{self, Entry, snapshot},
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

/// Applies the fields onto `model`; `current` is the row being updated, if any.
async fn apply(
    w: &Writer<'_>,
    model: &mut product::ActiveModel,
    f: &ProductFields,
    current: Option<&product::Model>,
) -> AppResult<()> {
    if let Some(name) = &f.name {
        let name = text("name", name, limits::NAME)?;
        model.sort_name = Set(ocop_search::text::fold(&name));
        model.name = Set(name);
    }
    if let Some(code) = &f.category_code {
        if !w.reference.is_leaf(code) {
            let reason = if w.reference.category(code).is_some() {
                format!("\"{code}\" is a group; choose one of its product sets")
            } else {
                let shown: String = code.chars().take(20).collect();
                format!("unknown category \"{shown}\"")
            };
            return Err(bad("categoryCode", reason));
        }
        model.category_code = Set(code.clone());
    }
    if let Some(id) = f.producer_id {
        if producer::Entity::find_by_id(id).one(w.db).await?.is_none() {
            return Err(bad("producerId", format!("no producer {id}")));
        }
        model.producer_id = Set(id);
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
    if let Some(v) = &f.description {
        model.description = Set(optional_text("description", Some(v), limits::LONG)?);
    }
    if let Some(v) = &f.story {
        model.story = Set(optional_text("story", Some(v), limits::LONG)?);
    }
    if let Some(images) = &f.images {
        if images.len() > 20 {
            return Err(bad("images", "at most 20 images"));
        }
        let urls = images
            .iter()
            .map(|u| field("images", WebUrl::parse(u).map(WebUrl::into_string)))
            .collect::<AppResult<Vec<_>>>()?;
        model.images = Set(StringList(urls));
    }
    if let Some(v) = &f.packaging {
        model.packaging = Set(optional_text("packaging", Some(v), limits::MEDIUM)?);
    }
    if let Some(v) = &f.unit {
        model.unit = Set(optional_text("unit", Some(v), limits::SHORT)?);
    }
    let min = match f.price_min_vnd {
        Some(p) => Some(field("priceMinVnd", Vnd::parse(p))?.get()),
        None => current.and_then(|c| c.price_min_vnd),
    };
    let max = match f.price_max_vnd {
        Some(p) => Some(field("priceMaxVnd", Vnd::parse(p))?.get()),
        None => current.and_then(|c| c.price_max_vnd),
    };
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Err(bad("priceMaxVnd", "must not be below priceMinVnd"));
    }
    if f.price_min_vnd.is_some() {
        model.price_min_vnd = Set(min);
    }
    if f.price_max_vnd.is_some() {
        model.price_max_vnd = Set(max);
    }
    if let Some(status) = f.status {
        model.status = Set(status);
    }
    Ok(())
}

/// Creates a product (published unless told otherwise), without certificates.
#[tracing::instrument(skip_all)]
pub async fn create(w: Writer<'_>, f: ProductFields) -> AppResult<product::Model> {
    let name = f.name.clone().ok_or_else(|| bad("name", "is required"))?;
    for (name, missing) in [
        ("categoryCode", f.category_code.is_none()),
        ("producerId", f.producer_id.is_none()),
        ("wardCode", f.ward_code.is_none()),
    ] {
        if missing {
            return Err(bad(name, "is required"));
        }
    }
    let (_, province) = ward_in_province(
        w.reference,
        f.ward_code.as_deref().unwrap_or_default(),
        f.province_code.as_deref(),
    )?;
    w.caller.require_province(&province)?;
    let now = clock::now();
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
    apply(&w, &mut model, &f, None).await?;
    let mut work = UnitOfWork::begin(w).await?;
    model.slug = Set(free_slug::<_, product::Entity>(
        work.txn(),
        product::Column::Slug,
        f.slug.as_deref(),
        &name,
        None,
    )
    .await?);
    let created = model.insert(work.txn()).await?;
    work.audit(Entry {
        entity_type: audit::Subject::Product,
        entity_id: created.id,
        operation: audit::Operation::Create,
        province: Some(&created.province_code),
        before: None,
        after: snapshot(&created),
    })
    .await?;
    work.commit(&[Change::product(created.id, ChangeOp::Created)])
        .await?;
    Ok(created)
}

async fn current(w: &Writer<'_>, id: i64) -> AppResult<product::Model> {
    product::Entity::find_by_id(id)
        .one(w.db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no product {id}")))
}

/// Updates a product if nobody changed it since `expected_updated_at`.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn update(
    w: Writer<'_>,
    id: i64,
    expected_updated_at: DateTime<Utc>,
    f: ProductFields,
) -> AppResult<product::Model> {
    let current = current(&w, id).await?;
    w.caller.require_province(&current.province_code)?;
    let mut model = product::ActiveModel {
        updated_at: Set(clock::now()),
        ..Default::default()
    };
    apply(&w, &mut model, &f, Some(&current)).await?;
    if let sea_orm::ActiveValue::Set(province) = &model.province_code
        && province != &current.province_code
    {
        w.caller.require_province(province)?;
    }
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
    let current = current(&w, id).await?;
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
    mut model: product::ActiveModel,
    expected_updated_at: Option<(DateTime<Utc>, &'static str)>,
    slug: Option<&str>,
    operation: audit::Operation,
) -> AppResult<product::Model> {
    let id = current.id;
    let mut work = UnitOfWork::begin(w).await?;
    if slug.is_some() {
        let name = match &model.name {
            sea_orm::ActiveValue::Set(n) => n.clone(),
            _ => current.name.clone(),
        };
        model.slug = Set(free_slug::<_, product::Entity>(
            work.txn(),
            product::Column::Slug,
            slug,
            &name,
            Some((product::Column::Id, id)),
        )
        .await?);
    }
    let updated = update_unless_stale::<product::Entity, _>(
        work.txn(),
        model,
        (product::Column::Id, product::Column::UpdatedAt),
        id,
        expected_updated_at,
        current.updated_at,
        "product",
    )
    .await?;
    work.audit(Entry {
        entity_type: audit::Subject::Product,
        entity_id: id,
        operation,
        province: Some(&updated.province_code),
        before: snapshot(current),
        after: snapshot(&updated),
    })
    .await?;
    let op = if operation == audit::Operation::Archive {
        ChangeOp::Archived
    } else {
        ChangeOp::Updated
    };
    work.commit(&[Change::product(id, op)]).await?;
    Ok(updated)
}
