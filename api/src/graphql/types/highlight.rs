//! Where the typed words are in a text: structured ranges, never markup, so that a frontend
//! renders them safely.

use async_graphql::{Enum, SimpleObject};

/// A run of a text, counted in UTF-16 code units as JavaScript indexes strings:
/// `text.slice(start, start + length)`.
#[derive(SimpleObject, Clone, Copy, Debug)]
pub struct TextRange {
    /// Where the run starts.
    pub start: i32,
    /// How long it is.
    pub length: i32,
}

impl From<ocop_search::highlight::TextRange> for TextRange {
    fn from(r: ocop_search::highlight::TextRange) -> Self {
        Self {
            start: i32::try_from(r.start).unwrap_or(i32::MAX),
            length: i32::try_from(r.length).unwrap_or(i32::MAX),
        }
    }
}

/// Which text of a product a highlight is from.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HighlightField {
    /// The product's name.
    Name,
    /// Its description.
    Description,
    /// Its story.
    Story,
}

/// The typed words found in one text of a hit.
#[derive(SimpleObject, Clone, Debug)]
pub struct Highlight {
    /// Which text.
    pub field: HighlightField,
    /// The whole name, or a window of a longer text with `…` where it was cut.
    pub snippet: String,
    /// The matched runs of `snippet`, in order, never overlapping.
    pub ranges: Vec<TextRange>,
    /// The typed words found in this text, as typed.
    pub words: Vec<String>,
}

impl Highlight {
    /// A highlight of `field` from what the matcher found.
    pub fn new(field: HighlightField, found: ocop_search::highlight::Highlighted) -> Self {
        Self {
            field,
            snippet: found.snippet,
            ranges: found.ranges.into_iter().map(Into::into).collect(),
            words: found.words,
        }
    }
}
