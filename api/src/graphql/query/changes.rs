//! `catalogueChanges`: partners follow the catalogue by position in the change log.

use async_graphql::{Context, Object, Result};

use crate::{
    error::AppError,
    graphql::{
        caller, shared,
        types::{
            change::{CatalogueChange, CatalogueChangeConnection},
            page_info::PageInfo,
        },
    },
    services::changes::{self, cursor_of, position_of},
};

/// The changes query.
#[derive(Default)]
pub struct ChangesQuery;

#[Object]
impl ChangesQuery {
    /// The catalogue's changes after a cursor, in commit order: for PARTNER and ADMIN keys. Take
    /// a snapshot first (`GET /export` states its cursor), then follow from its cursor; a cursor
    /// older than the retention window gets `RESYNC_REQUIRED`.
    #[graphql(complexity = "first.unwrap_or(100).clamp(0, 500) as usize * child_complexity + 1")]
    async fn catalogue_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Cursor of the last change applied (or of a snapshot); from the \
                          beginning of the log when omitted."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size (default 100, at most 500).")] first: Option<i32>,
    ) -> Result<CatalogueChangeConnection> {
        let caller = caller(ctx)?;
        let key = caller.key()?;
        if !matches!(
            key.role,
            ocop_entities::api_key::Role::Partner | ocop_entities::api_key::Role::Admin
        ) {
            return Err(AppError::Forbidden(
                "catalogueChanges is for PARTNER and ADMIN keys".into(),
            )
            .into());
        }
        let first = match first {
            None => 100,
            Some(n @ 1..=500) => n as usize,
            Some(_) => {
                return Err(AppError::bad_input("first", "must be between 1 and 500").into());
            }
        };
        let after = after.map(|c| position_of(&c, "after")).transpose()?;
        let page = changes::page(&shared(ctx).db, after, first).await?;
        let cursors: Vec<String> = page.entries.iter().map(|e| cursor_of(e.position)).collect();
        let mut page_info = PageInfo::new(cursors.iter(), page.has_next_page);
        if page_info.end_cursor.is_none() {
            // An empty page: going on from the same place is right.
            page_info.end_cursor = Some(cursor_of(after.unwrap_or(0)));
        }
        Ok(CatalogueChangeConnection {
            page_info,
            nodes: page.entries.into_iter().map(CatalogueChange).collect(),
            head_cursor: cursor_of(page.head),
        })
    }
}
