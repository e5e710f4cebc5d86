//! A small bounded map that keeps what was used most recently: parsed
//! meshes, problem edges and difference maps, which are costly to make
//! again but too large to keep for every stage of a long treatment.

/// At most `capacity` values by key; using one makes it the last to go.
#[derive(Debug, Clone)]
pub(crate) struct Recent<V> {
    /// Least recently used first.
    entries: Vec<(String, V)>,
    capacity: usize,
}

impl<V: Clone> Recent<V> {
    pub(crate) fn new(capacity: usize) -> Recent<V> {
        Recent { entries: Vec::new(), capacity: capacity.max(1) }
    }

    /// The value under `key`, now the most recently used.
    pub(crate) fn get(&mut self, key: &str) -> Option<V> {
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        let entry = self.entries.remove(at);
        let value = entry.1.clone();
        self.entries.push(entry);
        Some(value)
    }

    pub(crate) fn contains(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// Keeps `value` under `key`, dropping the least recently used beyond capacity.
    pub(crate) fn insert(&mut self, key: String, value: V) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push((key, value));
        if self.entries.len() > self.capacity {
            let excess = self.entries.len() - self.capacity;
            self.entries.drain(..excess);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn the_least_recently_used_goes_first() {
        let mut recent = Recent::new(2);
        recent.insert("a".into(), 1);
        recent.insert("b".into(), 2);
        assert_eq!(recent.get("a"), Some(1)); // now b is the oldest
        recent.insert("c".into(), 3);
        assert!(!recent.contains("b"));
        assert_eq!((recent.get("a"), recent.get("c")), (Some(1), Some(3)));
    }

    #[test]
    fn inserting_a_key_again_replaces_its_value() {
        let mut recent = Recent::new(3);
        recent.insert("a".into(), 1);
        recent.insert("a".into(), 5);
        assert_eq!(recent.get("a"), Some(5));
        assert_eq!(recent.entries.len(), 1);
    }
}
