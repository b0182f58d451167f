//! Completions for an as-you-type search box: product names from the search engine, product
//! sets and provinces (current and former names) from the reference data held in memory.

use std::collections::{HashMap, HashSet};

use ocop_entities::product::{self, ProductStatus};
use ocop_search::{
    NameSuggest, SearchBackend,
    document::Day,
    highlight::{Matcher, TextRange},
    text,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::{error::AppError, reference::ReferenceData};

/// Most completions of one request.
pub const MAX_COMPLETIONS: usize = 20;
/// Product ids asked of the engine per name shown: several products may share a name.
const IDS_PER_NAME: usize = 3;

/// What a completion names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A product name.
    Product,
    /// A product set (a leaf of the product taxonomy).
    ProductSet,
    /// A current province.
    Province,
    /// A province's name before the 2025 reform.
    FormerProvince,
}

/// One completion.
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    /// What it names.
    pub kind: CompletionKind,
    /// The text to show and to search for.
    pub text: String,
    /// The product's slug (the best-ranked product of that name), the product set's code, or
    /// the code of the (current) province.
    pub code: String,
    /// For a former province, the name of the province it is now part of.
    pub note: Option<String>,
    /// The typed words in `text`.
    pub ranges: Vec<TextRange>,
}

/// Up to `limit` completions of `prefix`: product names first, best first, then product sets,
/// provinces and former provinces, which take at most half of the list.
pub async fn complete(
    db: &DatabaseConnection,
    search: &dyn SearchBackend,
    reference: &ReferenceData,
    prefix: &str,
    limit: usize,
    today: Day,
) -> Result<Vec<Completion>, AppError> {
    let matcher = Matcher::completing(prefix);
    if matcher.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let places = reference_completions(reference, &matcher, limit / 2);
    let ids = search
        .suggest_products(&NameSuggest {
            text: prefix.to_owned(),
            limit: limit * IDS_PER_NAME,
            today,
        })
        .await
        .map_err(|e| AppError::SearchUnavailable(e.into()))?;
    // Read by id alone, then checked: with the status in the SQL, SQLite may prefer the status
    // index and walk every published product.
    let mut rows: HashMap<i64, (String, String)> = product::Entity::find()
        .select_only()
        .columns([
            product::Column::Id,
            product::Column::Name,
            product::Column::Slug,
            product::Column::Status,
        ])
        .filter(product::Column::Id.is_in(ids.clone()))
        .into_tuple::<(i64, String, String, ProductStatus)>()
        .all(db)
        .await?
        .into_iter()
        .filter(|row| row.3 == ProductStatus::Published)
        .map(|(id, name, slug, _)| (id, (name, slug)))
        .collect();
    let mut seen = HashSet::new();
    let mut out: Vec<Completion> = ids
        .iter()
        .filter_map(|id| rows.remove(id))
        .filter(|(name, _)| seen.insert(text::normalize(name)))
        .take(limit - places.len())
        .map(|(name, slug)| completion(&matcher, CompletionKind::Product, name, slug, None))
        .collect();
    out.extend(places);
    Ok(out)
}

fn completion(
    matcher: &Matcher,
    kind: CompletionKind,
    text: String,
    code: String,
    note: Option<String>,
) -> Completion {
    let ranges = matcher.highlight(&text).ranges;
    Completion {
        kind,
        text,
        code,
        note,
        ranges,
    }
}

/// Product sets, provinces and former provinces whose name holds every typed word: those
/// starting with the first typed word first, then the shorter names.
fn reference_completions(
    reference: &ReferenceData,
    matcher: &Matcher,
    limit: usize,
) -> Vec<Completion> {
    let sets = reference
        .categories()
        .iter()
        .filter(|c| reference.is_leaf(&c.code))
        .map(|c| (CompletionKind::ProductSet, &c.name, &c.code, None));
    let provinces = reference
        .provinces()
        .iter()
        .map(|p| (CompletionKind::Province, &p.name, &p.code, None));
    let former = reference.provinces().iter().flat_map(|p| {
        reference
            .former_provinces_of(&p.code)
            .iter()
            .filter(move |f| text::fold(&f.name) != text::fold(&p.name))
            .map(move |f| {
                let note = Some(p.name.clone());
                (CompletionKind::FormerProvince, &f.name, &p.code, note)
            })
    });
    let mut found: Vec<(bool, usize, Completion)> = sets
        .chain(provinces)
        .chain(former)
        .filter_map(|(kind, name, code, note)| {
            let found = matcher.find(name);
            found.has_every_word().then(|| {
                let first = !found.starts_at(0);
                let c = completion(matcher, kind, name.clone(), code.clone(), note);
                (first, name.chars().count(), c)
            })
        })
        .collect();
    found.sort_by_key(|a| (a.0, a.1));
    found.into_iter().take(limit).map(|(_, _, c)| c).collect()
}
