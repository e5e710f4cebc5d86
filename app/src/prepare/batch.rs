//! Which model of each stage a recipe is applied to, and how far a batch is.

use trayforge_wire::{FileView, StageView};

/// The model of one stage that a recipe is applied to: the stage's latest
/// original (a version without `prepared_from`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Original {
    /// `upper` or `lower`.
    pub(crate) arch: String,
    pub(crate) stage: u32,
    pub(crate) file: FileView,
}

impl Original {
    /// "Upper 7", for people.
    pub(crate) fn name(&self) -> String {
        let arch = if self.arch == "upper" { "Upper" } else { "Lower" };
        format!("{arch} {}", self.stage)
    }

    /// A key naming the stage: `upper:7`.
    pub(crate) fn key(&self) -> String {
        format!("{}:{}", self.arch, self.stage)
    }

    /// The prepared file's name: the original's stem with `-prepared.stl`.
    pub(crate) fn prepared_file_name(&self) -> String {
        let name = self.file.file_name.as_str();
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        format!("{stem}-prepared.stl")
    }
}

/// Every stage's latest original, upper arch first, each arch in stage order.
pub(crate) fn originals(stages: &[StageView]) -> Vec<Original> {
    let mut found: Vec<Original> = stages
        .iter()
        .filter_map(|stage| {
            let file = stage.models.iter().rfind(|model| model.prepared_from.is_none())?;
            Some(Original { arch: stage.arch.clone(), stage: u32::try_from(stage.index).ok()?, file: file.clone() })
        })
        .collect();
    found.sort_by_key(|original| (original.arch != "upper", original.stage));
    found
}

/// "7 of 24 models".
pub(crate) fn progress_text(done: usize, total: usize) -> String {
    let noun = if total == 1 { "model" } else { "models" };
    format!("{done} of {total} {noun}")
}

/// The line under a finished batch: "Done: 4 of 4 models", or with
/// failures "Done: 3 of 4 models prepared, 1 failed" — a model that was
/// refused is never counted as prepared.
pub(crate) fn finished_text(done: usize, total: usize, failed: usize) -> String {
    if failed == 0 {
        return format!("Done: {}", progress_text(done, total));
    }
    format!("Done: {} prepared, {failed} failed", progress_text(done - failed.min(done), total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_with_failures_counts_them_apart_from_the_prepared() {
        assert_eq!(finished_text(4, 4, 0), "Done: 4 of 4 models");
        assert_eq!(finished_text(4, 4, 1), "Done: 3 of 4 models prepared, 1 failed");
        assert_eq!(finished_text(2, 2, 2), "Done: 0 of 2 models prepared, 2 failed");
    }

    fn file(id: &str, version: i32, prepared_from: Option<&str>) -> FileView {
        FileView {
            id: id.into(),
            kind: "model".into(),
            stage_id: None,
            version,
            file_name: format!("{id}.stl"),
            content_type: "model/stl".into(),
            size_bytes: 1,
            sha256: String::new(),
            report: None,
            uploaded_by: None,
            created_at: String::new(),
            download_url: String::new(),
            prepared_from: prepared_from.map(str::to_owned),
        }
    }

    fn stage(arch: &str, index: i32, models: Vec<FileView>) -> StageView {
        StageView { id: format!("{arch}{index}"), arch: arch.into(), index, wear_from: None, appointment: None, models }
    }

    #[test]
    fn the_latest_original_of_each_stage_is_prepared_never_a_prepared_version() {
        let stages = [
            stage("lower", 0, vec![file("l0", 1, None)]),
            stage("upper", 1, vec![file("u1a", 1, None), file("u1b", 2, None), file("u1p", 3, Some("u1b"))]),
            stage("upper", 0, vec![file("u0", 1, None)]),
            stage("upper", 2, vec![file("u2p", 1, Some("gone"))]),
        ];
        let found: Vec<(String, String)> = originals(&stages).iter().map(|o| (o.name(), o.file.id.clone())).collect();
        assert_eq!(
            found,
            [("Upper 0".into(), "u0".into()), ("Upper 1".into(), "u1b".into()), ("Lower 0".into(), "l0".into())]
        );
    }

    #[test]
    fn a_prepared_file_is_named_after_its_original() {
        let original = Original { arch: "upper".into(), stage: 7, file: file("Upper_07.final", 1, None) };
        // Only the extension goes: `Upper_07.final.stl`.
        assert_eq!(original.prepared_file_name(), "Upper_07.final-prepared.stl");
        assert_eq!(original.key(), "upper:7");
    }

    #[test]
    fn progress_counts_models() {
        assert_eq!(progress_text(7, 24), "7 of 24 models");
        assert_eq!(progress_text(0, 1), "0 of 1 model");
    }
}
