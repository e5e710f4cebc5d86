//! One page of a list: its number (from 1) and its length.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub limit: u32,
}

impl Page {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 200;

    pub(crate) fn limit_i64(self) -> i64 {
        i64::from(self.limit)
    }

    pub(crate) fn offset_i64(self) -> i64 {
        i64::from(self.number.saturating_sub(1)) * i64::from(self.limit)
    }
}

impl Default for Page {
    fn default() -> Page {
        Page { number: 1, limit: Page::DEFAULT_LIMIT }
    }
}
