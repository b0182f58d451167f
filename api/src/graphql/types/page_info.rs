//! Relay pagination information.

use async_graphql::SimpleObject;

/// Where a page sits in its list.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct PageInfo {
    /// Whether more items follow the last edge.
    pub has_next_page: bool,
    /// Always false: lists are paged forwards only.
    pub has_previous_page: bool,
    /// Cursor of the first edge.
    pub start_cursor: Option<String>,
    /// Cursor of the last edge; pass it as `after` to get the next page.
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// Page info from the cursors of a page.
    pub fn new<'a>(
        mut cursors: impl DoubleEndedIterator<Item = &'a String>,
        has_next_page: bool,
    ) -> Self {
        let start_cursor = cursors.next().cloned();
        let end_cursor = cursors
            .next_back()
            .cloned()
            .or_else(|| start_cursor.clone());
        Self {
            has_next_page,
            has_previous_page: false,
            start_cursor,
            end_cursor,
        }
    }
}
