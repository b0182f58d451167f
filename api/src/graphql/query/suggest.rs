//! Completions for an as-you-type search box.

use async_graphql::{Context, Enum, Object, Result, SimpleObject};

use crate::{
    domain::SearchText,
    error::AppError,
    graphql::{shared, today, types::highlight::TextRange},
    indexing::documents::day,
    services::completions::{self, CompletionKind, MAX_COMPLETIONS},
};

/// What a suggestion names.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "CompletionKind")]
pub enum SuggestionKind {
    /// A product name: search for it, or open the product by `code` (its slug).
    Product,
    /// A product set: filter by `code` (`categoryCodes`).
    ProductSet,
    /// A province: filter by `code` (`provinceCodes`).
    Province,
    /// A province's name before the 2025 reform: filter by `code`, the province it is now
    /// part of (named in `note`).
    FormerProvince,
}

/// One completion of what the buyer is typing.
#[derive(SimpleObject, Clone, Debug)]
pub struct Suggestion {
    /// What it names.
    pub kind: SuggestionKind,
    /// The text to show.
    pub text: String,
    /// The product's slug (of the best-ranked product of that name), the product set's code,
    /// or the code of the (current) province.
    pub code: String,
    /// For a former province, the name of the province it is now part of.
    pub note: Option<String>,
    /// The typed words in `text`, to show in bold.
    pub ranges: Vec<TextRange>,
}

/// The suggestion query.
#[derive(Default)]
pub struct SuggestQuery;

#[Object]
impl SuggestQuery {
    /// Completions of what the buyer is typing, for a search box's dropdown: product names
    /// (valid certificates, best match first, each name once), then product sets, provinces and
    /// former province names, which take at most half of the list. Accents are optional and
    /// the last word is completed from its first letter.
    async fn suggest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What has been typed so far (at most 200 characters).")] prefix: String,
        #[graphql(desc = "Most suggestions (default 8, at most 20).")] first: Option<i32>,
    ) -> Result<Vec<Suggestion>> {
        let shared = shared(ctx);
        let text = SearchText::parse(&prefix).map_err(|m| AppError::bad_input("prefix", m))?;
        let first = first.unwrap_or(8);
        if !(1..=MAX_COMPLETIONS as i32).contains(&first) {
            return Err(AppError::bad_input(
                "first",
                format!("must be between 1 and {MAX_COMPLETIONS} (got {first})"),
            )
            .into());
        }
        let started = std::time::Instant::now();
        let found = completions::complete(
            &shared.db,
            shared.search.as_ref(),
            &shared.reference,
            text.as_str(),
            first as usize,
            day(today(ctx)),
        )
        .await;
        crate::metrics::search(shared.search.name(), "suggest", started.elapsed());
        Ok(found?
            .into_iter()
            .map(|c| Suggestion {
                kind: c.kind.into(),
                text: c.text,
                code: c.code,
                note: c.note,
                ranges: c.ranges.into_iter().map(Into::into).collect(),
            })
            .collect())
    }
}
