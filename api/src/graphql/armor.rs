//! Limits on what one GraphQL document may ask (GraphQL Armor / OWASP set): size, tokens,
//! aliases, depth and complexity. The complexity of every query is reported in
//! `extensions.cost` (as Saleor does) and weighs on the caller's rate limit: a query costing
//! more than `cost_per_request` counts as several requests. Errors the GraphQL engine raises
//! without a code get `BAD_USER_INPUT`: they are all the client's doing.

use std::sync::{Arc, Mutex};

use crate::{
    auth::Caller,
    limits::Limits as QueryLimits,
    rate_limit::{RateLimits, refusal::Refusal},
};
use async_graphql::{
    ErrorExtensionValues, Response, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
    },
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// Installs the limits on a schema.
pub struct Limits {
    /// What a document may ask.
    pub limits: Arc<QueryLimits>,
    /// The rate limits that costly queries weigh on.
    pub rate_limits: Arc<RateLimits>,
}

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension {
            limits: self.limits.clone(),
            rate_limits: self.rate_limits.clone(),
            cost: Mutex::new(None),
        })
    }
}

struct LimitsExtension {
    limits: Arc<QueryLimits>,
    rate_limits: Arc<RateLimits>,
    cost: Mutex<Option<usize>>,
}

/// Requests a query of `cost` counts as: one per started `per_request` (at least one).
pub fn requests_for(cost: usize, per_request: usize) -> u32 {
    u32::try_from(cost.div_ceil(per_request.max(1)).max(1)).unwrap_or(u32::MAX)
}

fn refuse(message: String) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", "BAD_USER_INPUT");
    e.extensions = Some(ext);
    e
}

/// Counts the lexical tokens of a GraphQL document (punctuators, names, numbers, strings).
pub fn count_tokens(query: &str) -> usize {
    let bytes = query.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b',' | 0xEF | 0xBB | 0xBF => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                n += 1;
                if bytes[i..].starts_with(b"\"\"\"") {
                    i += 3;
                    while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                        i += 1;
                    }
                    i += 3;
                } else {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                n += 1;
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                n += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'.' | b'-' | b'+'))
                {
                    i += 1;
                }
            }
            _ => {
                n += 1;
                i += 1;
            }
        }
    }
    n
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(f) => count_aliases(&f.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Aliased fields in every operation and fragment of a document.
pub fn aliases(doc: &ExecutableDocument) -> usize {
    let operations: usize = doc
        .operations
        .iter()
        .map(|(_, op)| count_aliases(&op.node.selection_set.node))
        .sum();
    let fragments: usize = doc
        .fragments
        .values()
        .map(|f| count_aliases(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

#[async_trait::async_trait]
impl Extension for LimitsExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        if let Some(cost) = *self.cost.lock().expect("cost lock") {
            let value = async_graphql::value!({
                "requestedQueryCost": cost,
                "maximumAvailable": self.limits.max_complexity,
            });
            response = response.extension("cost", value);
        }
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let l = &self.limits;
        if query.len() > l.max_query_bytes {
            return Err(refuse(format!(
                "the query is {} bytes long; at most {} are accepted",
                query.len(),
                l.max_query_bytes
            )));
        }
        let tokens = count_tokens(query);
        if tokens > l.max_tokens {
            return Err(refuse(format!(
                "the query has {tokens} tokens; at most {} are accepted",
                l.max_tokens
            )));
        }
        let doc = next.run(ctx, query, variables).await?;
        let aliases = aliases(&doc);
        if aliases > l.max_aliases {
            return Err(refuse(format!(
                "the query uses {aliases} aliases; at most {} are accepted",
                l.max_aliases
            )));
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        *self.cost.lock().expect("cost lock") = Some(result.complexity);
        let l = &self.limits;
        if result.depth > l.max_depth {
            return Err(vec![refuse(format!(
                "the query is {} levels deep; at most {} are accepted",
                result.depth, l.max_depth
            ))]);
        }
        if result.complexity > l.max_complexity {
            return Err(vec![refuse(format!(
                "the query costs {} (see extensions.cost); at most {} is accepted",
                result.complexity, l.max_complexity
            ))]);
        }
        // The request itself was counted once before it was parsed.
        let extra = requests_for(result.complexity, l.cost_per_request) - 1;
        if extra > 0
            && let Some(caller) = ctx.data_opt::<Caller>()
            && let Err(wait) = self.rate_limits.check(caller, extra).await
        {
            let err = Refusal::refuse_in(ctx.data_opt::<Refusal>(), wait);
            let err: async_graphql::Error = err.into();
            return Err(vec![err.into_server_error(Default::default())]);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_count_names_punctuators_and_literals() {
        assert_eq!(count_tokens("{ a }"), 3);
        assert_eq!(
            count_tokens("query Q($x: Int = 5) { a(x: $x, s: \"a b\") @skip(if: true) }"),
            29
        );
        assert_eq!(count_tokens("# comment only\n"), 0);
        assert_eq!(count_tokens("{ ...F }"), 4);
        assert_eq!(count_tokens(&"{a}".repeat(1000)), 3000);
    }

    #[test]
    fn a_query_counts_as_one_request_per_started_share_of_cost() {
        assert_eq!(requests_for(0, 1000), 1);
        assert_eq!(requests_for(541, 1000), 1);
        assert_eq!(requests_for(1000, 1000), 1);
        assert_eq!(requests_for(1001, 1000), 2);
        assert_eq!(requests_for(9807, 1000), 10);
        assert_eq!(requests_for(5, 0), 5, "a zero share counts every point");
    }

    #[test]
    fn aliases_are_counted_in_operations_and_fragments() {
        let doc = async_graphql::parser::parse_query(
            "{ a: x b: y { c: z } ...F } fragment F on Q { d: w }",
        )
        .unwrap();
        assert_eq!(aliases(&doc), 4);
    }
}
