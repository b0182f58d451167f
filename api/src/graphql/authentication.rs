//! Authenticate before anything else: a mutation from a caller without a key, or with a
//! partner's read-only key, is refused before any resolver parses its input or touches the
//! database. Finer rights (an editor's provinces, a kiosk's outlet) are checked by the write
//! services, which need the record to know its province.

use std::sync::{Arc, Mutex};

use async_graphql::{
    Response, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    parser::types::{ExecutableDocument, OperationType},
};
use ocop_entities::api_key::Role;

use crate::{
    auth::{Caller, caller::NEEDS_A_KEY},
    error::AppError,
};

/// Installs the check on a schema.
pub struct WritesNeedAKey;

impl ExtensionFactory for WritesNeedAKey {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(WritesNeedAKeyExtension::default())
    }
}

#[derive(Default)]
struct WritesNeedAKeyExtension {
    /// The operations of the parsed document: name and type.
    operations: Mutex<Vec<(Option<String>, OperationType)>>,
}

/// Whether the operation `name` selects (the only one when `None`) is a mutation.
fn selects_mutation(operations: &[(Option<String>, OperationType)], name: Option<&str>) -> bool {
    let chosen = match name {
        Some(name) => operations.iter().find(|(n, _)| n.as_deref() == Some(name)),
        None if operations.len() == 1 => operations.first(),
        None => None,
    };
    chosen.is_some_and(|(_, ty)| *ty == OperationType::Mutation)
}

/// Why `caller` may not run any mutation, if it may not.
fn refusal(caller: Option<&Caller>) -> Option<AppError> {
    match caller {
        None | Some(Caller::Anonymous { .. }) => {
            Some(AppError::Unauthenticated(NEEDS_A_KEY.into()))
        }
        Some(Caller::Key(k)) if k.role == Role::Partner => Some(AppError::Forbidden(
            "a partner key reads the catalogue; it may not change it".into(),
        )),
        Some(Caller::Key(_)) => None,
    }
}

#[async_trait::async_trait]
impl Extension for WritesNeedAKeyExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        *self.operations.lock().expect("operations lock") = doc
            .operations
            .iter()
            .map(|(name, op)| (name.map(|n| n.to_string()), op.node.ty))
            .collect();
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mutation = selects_mutation(
            &self.operations.lock().expect("operations lock"),
            operation_name,
        );
        if mutation && let Some(refused) = refusal(ctx.data_opt::<Caller>()) {
            let error: async_graphql::Error = refused.into();
            return Response::from_errors(vec![error.into_server_error(Default::default())]);
        }
        next.run(ctx, operation_name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_operation_decides() {
        let ops = vec![
            (Some("Read".to_owned()), OperationType::Query),
            (Some("Write".to_owned()), OperationType::Mutation),
        ];
        assert!(selects_mutation(&ops, Some("Write")));
        assert!(!selects_mutation(&ops, Some("Read")));
        assert!(
            !selects_mutation(&ops, None),
            "ambiguous: the engine refuses it"
        );
        assert!(selects_mutation(&ops[1..], None));
    }
}
