//! Mutations: thin resolvers that turn inputs into service calls. Every rule (rights, input
//! checks, lost-update protection, audit, outbox) lives in `services::write`.

pub mod catalogue;
pub mod inputs;
pub mod shelf;

use async_graphql::{Context, MergedObject};

use crate::{auth::Caller, error::AppError, graphql::shared, services::write::Writer};

/// The root mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(catalogue::CatalogueMutation, shelf::ShelfMutation);

/// The caller of this request.
pub(crate) fn caller<'a>(ctx: &async_graphql::Context<'a>) -> Result<&'a Caller, AppError> {
    ctx.data_opt::<Caller>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the request has no caller")))
}

/// A writer for this request.
pub(crate) fn writer<'a>(ctx: &Context<'a>) -> Result<Writer<'a>, AppError> {
    let s = shared(ctx);
    Ok(Writer {
        db: &s.db,
        reference: &s.reference,
        caller: caller(ctx)?,
        status: &s.status,
    })
}
