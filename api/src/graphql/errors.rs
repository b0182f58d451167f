//! The one place where the errors of an executed GraphQL request get their `extensions`: an
//! error whose source is an [`AppError`] is logged once and coded from it; any other error
//! (a document that does not parse or validate, an argument of the wrong type) is the
//! client's, `BAD_USER_INPUT`.

use std::sync::Arc;

use async_graphql::{
    ErrorExtensionValues, Response, ServerError,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest},
};

use crate::error::AppError;

/// Codes the errors of every response.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        response.errors.iter_mut().for_each(code);
        response
    }
}

/// Gives `error` its code (and field or retry delay) from the [`AppError`] it came from, and
/// logs that error's cause; an error of GraphQL itself is `BAD_USER_INPUT`.
pub fn code(error: &mut ServerError) {
    let ext = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if let Some(app) = error
        .source
        .as_ref()
        .and_then(|s| s.downcast_ref::<AppError>())
    {
        app.log();
        app.extend(ext);
    } else if ext.get("code").is_none() {
        ext.set("code", "BAD_USER_INPUT");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(err: AppError) -> ServerError {
        let mut served = async_graphql::Error::from(err).into_server_error(Default::default());
        code(&mut served);
        served
    }

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let err = served(AppError::Internal(anyhow::anyhow!(
            "password=hunter2 at db:5432"
        )));
        assert_eq!(err.message, "internal error");
        let ext = format!("{:?}", err.extensions);
        assert!(ext.contains("INTERNAL"), "{ext}");
        assert!(!ext.contains("hunter2"), "{ext}");
    }

    #[test]
    fn bad_input_carries_code_and_field() {
        let err = served(AppError::bad_input("input.stars", "must be 3, 4 or 5"));
        assert_eq!(err.message, "must be 3, 4 or 5");
        let ext = format!("{:?}", err.extensions);
        assert!(
            ext.contains("BAD_USER_INPUT") && ext.contains("input.stars"),
            "{ext}"
        );
    }

    #[test]
    fn a_refusal_carries_its_retry_delay() {
        let err = served(AppError::rate_limited(std::time::Duration::from_millis(
            1500,
        )));
        let ext = err.extensions.expect("extensions");
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("RATE_LIMITED"))
        );
        assert_eq!(
            ext.get("retryAfter"),
            Some(&async_graphql::Value::from(2u64))
        );
    }

    #[test]
    fn an_error_of_graphql_itself_is_the_clients() {
        let mut err = ServerError::new("Unknown field \"nme\"", None);
        code(&mut err);
        let ext = format!("{:?}", err.extensions);
        assert!(ext.contains("BAD_USER_INPUT"), "{ext}");
    }
}
