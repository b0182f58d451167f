//! Mutations: thin resolvers that turn inputs into service calls. Every rule (rights, input
//! checks, lost-update protection, audit, outbox) lives in `services::write`.

pub mod catalogue;
pub mod inputs;
pub mod shelf;

use async_graphql::MergedObject;

/// The root mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(catalogue::CatalogueMutation, shelf::ShelfMutation);
