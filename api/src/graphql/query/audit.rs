//! The audit trail of one record.

use async_graphql::{Context, ID, Json, Object, Result, SimpleObject};
use ocop_entities::audit_log;

use crate::{
    domain::PageSize,
    error::AppError,
    graphql::{
        caller, shared,
        types::{enums::AuditEntityType, page_info::PageInfo, scalars::DateTimeUtc},
    },
    services::{
        audit,
        cursor::{self, Position},
        write,
    },
};

/// One write to a record.
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// Entry id.
    pub id: ID,
    /// When.
    pub at: DateTimeUtc,
    /// The key that wrote (null for command-line operations).
    pub key_id: Option<ID>,
    /// The key's id and name, or the command.
    pub actor: String,
    /// `producer`, `product`, `certification`, `outlet`, `listing`, `catalogue` or `api_key`
    /// (the stored name of an `AuditEntityType`).
    pub entity_type: String,
    /// The record's id (a listing is filed under its product).
    pub entity_id: ID,
    /// `CREATE`, `UPDATE`, `ARCHIVE`, `CERTIFY`, `REVOKE`, `SET_LISTING`, `REMOVE_LISTING` or
    /// `IMPORT`.
    pub operation: String,
    /// Values before the write.
    pub before: Option<Json<serde_json::Value>>,
    /// Values after the write.
    pub after: Option<Json<serde_json::Value>>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(m: audit_log::Model) -> Self {
        Self {
            id: ID(m.id.to_string()),
            at: DateTimeUtc(m.at),
            key_id: m.key_id.map(|k| ID(k.to_string())),
            actor: m.actor,
            entity_type: m.entity_type,
            entity_id: ID(m.entity_id.to_string()),
            operation: m.operation,
            before: m.before.map(Json),
            after: m.after.map(Json),
        }
    }
}

/// An edge of the trail.
#[derive(SimpleObject)]
pub struct AuditEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The entry.
    pub node: AuditEntry,
}

/// A page of the trail, newest first.
#[derive(SimpleObject)]
pub struct AuditConnection {
    /// Where this page sits.
    pub page_info: PageInfo,
    /// The entries.
    pub edges: Vec<AuditEdge>,
}

/// The audit query.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Who changed a record, when, and how: for ADMIN keys, and EDITOR keys of the record's
    /// province. Newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The kind of record (a listing is filed under its product).")]
        entity_type: AuditEntityType,
        #[graphql(desc = "The record's id.")] entity_id: ID,
        #[graphql(desc = "Page size (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> Result<AuditConnection> {
        let shared = shared(ctx);
        let caller = caller(ctx)?;
        caller.key()?;
        let first = PageSize::parse(first)
            .map_err(|m| AppError::bad_input("first", m))?
            .get();
        let id = write::id("entityId", &entity_id)?;
        let entity_type = audit::Subject::from(entity_type);
        let province = audit::province_of(&shared.db, entity_type, id).await?;
        caller.require_audit(province.as_deref())?;
        let before_id = match after {
            Some(c) => Some(cursor::decode::<Position<i64>>(&c, "after")?.i),
            None => None,
        };
        let mut rows = audit::trail(&shared.db, entity_type, id, first + 1, before_id).await?;
        let has_next_page = rows.len() > first;
        rows.truncate(first);
        let edges: Vec<AuditEdge> = rows
            .into_iter()
            .map(|m| AuditEdge {
                cursor: cursor::encode(&Position {
                    s: "audit".to_owned(),
                    k: 0i64,
                    i: m.id,
                }),
                node: m.into(),
            })
            .collect();
        let page_info = PageInfo::new(edges.iter().map(|e| &e.cursor), has_next_page);
        Ok(AuditConnection { page_info, edges })
    }
}
