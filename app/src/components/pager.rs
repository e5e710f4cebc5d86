//! Previous and next page of a paged list (`{items, page, limit, total}`),
//! with where the reader is: "Page 2 of 5 · 87 people".

use leptos::prelude::*;

use crate::display::count;

/// How many pages `total` items make at `limit` a page (at least one).
pub(crate) fn page_count(total: u64, limit: u32) -> u32 {
    let pages = total.div_ceil(u64::from(limit.max(1)));
    u32::try_from(pages).unwrap_or(u32::MAX).max(1)
}

#[component]
pub(crate) fn Pager(
    page: u32,
    limit: u32,
    total: u64,
    /// The items' noun: ("person", "people").
    noun: (&'static str, &'static str),
    on_page: Callback<u32>,
) -> impl IntoView {
    let pages = page_count(total, limit);
    view! {
        <nav class="pager" aria-label="Pages" data-testid="pager">
            <button
                type="button"
                class="quiet"
                disabled={page <= 1}
                on:click=move |_| on_page.run(page.saturating_sub(1).max(1))
            >
                "← Previous"
            </button>
            <span class="pager-where">{format!("Page {page} of {pages} · {}", count(total, noun.0, noun.1))}</span>
            <button type="button" class="quiet" disabled={page >= pages} on:click=move |_| on_page.run(page + 1)>
                "Next →"
            </button>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::page_count;

    #[test]
    fn pages_round_up_and_an_empty_list_has_one() {
        assert_eq!(page_count(0, 25), 1);
        assert_eq!(page_count(25, 25), 1);
        assert_eq!(page_count(26, 25), 2);
        assert_eq!(page_count(87, 20), 5);
        assert_eq!(page_count(3, 0), 3, "a zero limit counts as one a page");
    }
}
