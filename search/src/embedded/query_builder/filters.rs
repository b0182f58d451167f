//! The filter part of a query: clauses that select and never score.

use std::{ops::Bound, sync::Arc};

use tantivy::{
    Term,
    query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery},
    schema::{Field, IndexRecordOption},
};

use crate::embedded::{
    schema::ProductFields,
    validity_cache::{ValidityCache, ValidityFilter},
};
use crate::query::{EXPIRING_SOON_DAYS, Validity};

/// A clause that must match and adds nothing to the score.
pub(super) fn filter(q: impl Query) -> (Occur, Box<dyn Query>) {
    (
        Occur::Must,
        Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
    )
}

/// Documents whose `field` holds one of `values`.
pub(super) fn any_of_text(field: Field, values: &[String]) -> BooleanQuery {
    BooleanQuery::union(
        values
            .iter()
            .map(|v| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, v),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect(),
    )
}

/// Documents whose `field` is within the bounds.
pub(super) fn range_i64(field: Field, lower: Bound<i64>, upper: Bound<i64>) -> RangeQuery {
    let term = |v: i64| Term::from_field_i64(field, v);
    RangeQuery::new(lower.map(term), upper.map(term))
}

/// Products whose certificate state is `state`.
pub(super) fn state_is(f: &ProductFields, state: &str) -> TermQuery {
    TermQuery::new(
        Term::from_field_text(f.cert_state, state),
        IndexRecordOption::Basic,
    )
}

/// The clauses of the certification state, judged against `today`.
fn validity(f: &ProductFields, validity: Validity, today: i64) -> Vec<(Occur, Box<dyn Query>)> {
    let in_force = || {
        vec![
            filter(state_is(f, "CURRENT")),
            filter(range_i64(
                f.cert_issued_on,
                Bound::Unbounded,
                Bound::Included(today),
            )),
            filter(range_i64(
                f.cert_expires_on,
                Bound::Excluded(today),
                Bound::Unbounded,
            )),
        ]
    };
    match validity {
        Validity::Any => vec![],
        Validity::Valid => in_force(),
        Validity::ExpiringSoon => {
            let mut clauses = in_force();
            let limit = today + i64::from(EXPIRING_SOON_DAYS);
            clauses.push(filter(range_i64(
                f.cert_expires_on,
                Bound::Unbounded,
                Bound::Included(limit),
            )));
            clauses
        }
        Validity::Expired => vec![
            filter(state_is(f, "CURRENT")),
            filter(range_i64(
                f.cert_expires_on,
                Bound::Unbounded,
                Bound::Included(today),
            )),
        ],
        Validity::Revoked => vec![filter(state_is(f, "REVOKED"))],
        Validity::None => {
            let not_yet = BooleanQuery::new(vec![
                (Occur::Must, Box::new(state_is(f, "CURRENT"))),
                (
                    Occur::Must,
                    Box::new(range_i64(
                        f.cert_issued_on,
                        Bound::Excluded(today),
                        Bound::Unbounded,
                    )),
                ),
            ]);
            vec![filter(BooleanQuery::union(vec![
                Box::new(state_is(f, "NONE")),
                Box::new(not_yet),
            ]))]
        }
    }
}

/// The certification-state filter, its products kept per segment in `cache`; `None` for
/// [`Validity::Any`].
pub(super) fn validity_filter(
    f: &ProductFields,
    cache: &Arc<ValidityCache>,
    state: Validity,
    today: i64,
) -> Option<(Occur, Box<dyn Query>)> {
    if state == Validity::Any {
        return None;
    }
    let clauses = Box::new(BooleanQuery::new(validity(f, state, today)));
    let filter = ValidityFilter::new(cache.clone(), state, today, clauses);
    Some((Occur::Must, Box::new(filter)))
}
