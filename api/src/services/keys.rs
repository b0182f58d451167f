//! API keys: creation (printed once), listing, revocation, and authentication of a request.

use chrono::{DateTime, Utc};
use ocop_entities::{StringList, api_key, api_key::Role, outlet};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::{
    auth::{ApiKey, Caller, KeyIdentity, ParsedKey},
    clock,
    error::{AppError, AppResult},
    reference::ReferenceData,
    services::audit::{self, Entry, Operation, Subject},
};

/// What `ocop keys create` asks for.
#[derive(Clone, Debug)]
pub struct NewKey {
    /// Who or what holds it.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Provinces (editors).
    pub provinces: Vec<String>,
    /// Outlet (kiosks).
    pub outlet_id: Option<i64>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates a key and returns it with the full key text, which is never shown again.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &DatabaseConnection,
    reference: &ReferenceData,
    new: NewKey,
    actor: &str,
) -> AppResult<(api_key::Model, String)> {
    let name = crate::domain::BoundedText::parse(&new.name, 100)
        .map_err(|m| AppError::bad_input("name", m))?;
    match new.role {
        Role::Editor if new.provinces.is_empty() => {
            return Err(AppError::bad_input(
                "province",
                "an editor key needs at least one --province",
            ));
        }
        Role::Kiosk if new.outlet_id.is_none() => {
            return Err(AppError::bad_input("outlet", "a kiosk key needs --outlet"));
        }
        _ => {}
    }
    if new.role != Role::Editor && !new.provinces.is_empty() {
        return Err(AppError::bad_input(
            "province",
            "only editor keys are limited to provinces",
        ));
    }
    if new.role != Role::Kiosk && new.outlet_id.is_some() {
        return Err(AppError::bad_input(
            "outlet",
            "only kiosk keys belong to an outlet",
        ));
    }
    if let Some(bad) = new
        .provinces
        .iter()
        .find(|p| reference.province(p).is_none())
    {
        return Err(AppError::bad_input(
            "province",
            format!("unknown province code \"{bad}\""),
        ));
    }
    if let Some(id) = new.outlet_id
        && outlet::Entity::find_by_id(id).one(db).await?.is_none()
    {
        return Err(AppError::bad_input("outlet", format!("no outlet {id}")));
    }
    if let Some(at) = new.expires_at
        && at <= Utc::now()
    {
        return Err(AppError::bad_input("expires", "is in the past"));
    }
    let key = ApiKey::generate();
    let txn = crate::db::begin_write(db).await?;
    let model = api_key::ActiveModel {
        prefix: Set(key.prefix.clone()),
        secret_hash: Set(key.secret_hash()),
        name: Set(name.into_inner()),
        role: Set(new.role),
        provinces: Set(StringList(new.provinces)),
        outlet_id: Set(new.outlet_id),
        created_at: Set(clock::now()),
        expires_at: Set(new.expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit_and_commit(txn, actor, Operation::Create, None, &model).await?;
    Ok((model, key.reveal()))
}

/// Records what happened to `key` in the audit trail, without its prefix or hash, and commits.
async fn audit_and_commit(
    txn: sea_orm::DatabaseTransaction,
    actor: &str,
    operation: Operation,
    before: Option<&api_key::Model>,
    key: &api_key::Model,
) -> AppResult<()> {
    let entry = Entry {
        entity_type: Subject::ApiKey,
        entity_id: key.id,
        operation,
        province: None,
        before: before.map(public),
        after: Some(public(key)),
    };
    audit::record(&txn, &audit::Author::named(actor), entry).await?;
    Ok(txn.commit().await?)
}

/// What the audit trail keeps of a key: everything but its prefix and hash.
fn public(key: &api_key::Model) -> serde_json::Value {
    serde_json::json!({
        "id": key.id,
        "name": key.name,
        "role": key.role.to_value(),
        "provinces": key.provinces.0,
        "outletId": key.outlet_id,
        "createdAt": key.created_at,
        "expiresAt": key.expires_at,
        "revokedAt": key.revoked_at,
    })
}

/// Every key, newest first.
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await?)
}

/// Revokes a key; it stops working at once.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn revoke(db: &DatabaseConnection, id: i64, actor: &str) -> AppResult<api_key::Model> {
    let txn = crate::db::begin_write(db).await?;
    let key = api_key::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no key {id}")))?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    let mut active: api_key::ActiveModel = key.clone().into();
    active.revoked_at = Set(Some(clock::now()));
    let revoked = active.update(&txn).await?;
    audit_and_commit(txn, actor, Operation::Revoke, Some(&key), &revoked).await?;
    Ok(revoked)
}

/// Keys read from the database, by prefix, each with the number of revoked keys when it was
/// read: an entry is used only while that number has not moved, so a revocation (on any
/// server) takes effect on the next request.
pub struct KnownKeys {
    keys: moka::sync::Cache<String, (api_key::Model, i64)>,
}

impl Default for KnownKeys {
    fn default() -> Self {
        Self {
            keys: moka::sync::Cache::new(10_000),
        }
    }
}

/// The caller holding the key in an `Authorization` header value: `UNAUTHENTICATED` for a key
/// that is malformed, unknown, revoked or expired. `revoked_keys` is the number of revoked keys
/// read after the request arrived ([`crate::services::freshness`]).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn authenticate(
    db: &DatabaseConnection,
    known: &KnownKeys,
    revoked_keys: i64,
    header: &str,
) -> AppResult<Caller> {
    let invalid = || AppError::Unauthenticated("the API key is not valid".into());
    let token = header.strip_prefix("Bearer ").ok_or_else(|| {
        AppError::Unauthenticated("use the header `Authorization: Bearer <key>`".into())
    })?;
    let parsed = ParsedKey::parse(token.trim()).ok_or_else(invalid)?;
    let key = match known.keys.get(&parsed.prefix) {
        Some((key, stamp)) if stamp == revoked_keys => key,
        _ => {
            let key = api_key::Entity::find()
                .filter(api_key::Column::Prefix.eq(parsed.prefix.clone()))
                .one(db)
                .await?
                .ok_or_else(invalid)?;
            known
                .keys
                .insert(parsed.prefix.clone(), (key.clone(), revoked_keys));
            key
        }
    };
    if !parsed.matches(&key.secret_hash) {
        return Err(invalid());
    }
    if key.revoked_at.is_some() {
        return Err(AppError::Unauthenticated("the API key was revoked".into()));
    }
    if key.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(AppError::Unauthenticated("the API key has expired".into()));
    }
    Ok(Caller::Key(KeyIdentity {
        id: key.id,
        name: key.name,
        role: key.role,
        provinces: key.provinces.0,
        outlet_id: key.outlet_id,
    }))
}
