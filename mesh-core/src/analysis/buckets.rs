//! Grouping items by a small integer key (a vertex index) in linear time:
//! a counting sort into one flat array with an offset per key.
//!
//! Mesh analysis groups millions of half-edges or faces by a vertex; a
//! comparison sort of all of them costs several times more than counting.

/// Items grouped by key: the items of key `k` are `items[offsets[k]..offsets[k + 1]]`,
/// in the order they were given.
#[derive(Debug)]
pub(crate) struct Buckets<T> {
    offsets: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + Default> Buckets<T> {
    /// Groups `items` (each with its key `< keys`); `items` is walked twice.
    pub(crate) fn new<I>(keys: usize, items: impl Fn() -> I) -> Self
    where
        I: Iterator<Item = (u32, T)>,
    {
        let mut offsets = vec![0u32; keys + 1];
        for (key, _) in items() {
            offsets[key as usize + 1] += 1;
        }
        for k in 0..keys {
            offsets[k + 1] += offsets[k];
        }
        let mut next = offsets.clone();
        let mut sorted = vec![T::default(); offsets[keys] as usize];
        for (key, item) in items() {
            let at = &mut next[key as usize];
            sorted[*at as usize] = item;
            *at += 1;
        }
        Buckets { offsets, items: sorted }
    }
}

impl<T> Buckets<T> {
    /// Every non-empty group, by increasing key, as a mutable slice.
    pub(crate) fn groups_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        let mut rest = self.items.as_mut_slice();
        self.offsets.windows(2).filter_map(move |w| {
            let len = (w[1] - w[0]) as usize;
            let (group, tail) = std::mem::take(&mut rest).split_at_mut(len);
            rest = tail;
            (len > 0).then_some(group)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_come_out_grouped_by_key_in_given_order() {
        let items = [(2, 'a'), (0, 'b'), (2, 'c'), (1, 'd')];
        let mut buckets = Buckets::new(4, || items.iter().copied());
        let groups: Vec<Vec<char>> = buckets.groups_mut().map(|g| g.to_vec()).collect();
        assert_eq!(groups, [vec!['b'], vec!['d'], vec!['a', 'c']]);
    }
}
