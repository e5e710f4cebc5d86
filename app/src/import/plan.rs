//! The mapping of an imported plan's files to stages, and what each row
//! still needs before anything is sent: pure rules over a snapshot of the
//! table, so the page only draws what [`assess`] says.
//!
//! A row is sent when it is a readable model mapped to an arch and a stage
//! that no other sent row also claims, and its content is not already a
//! version of that stage (same SHA-256). Rows the user skipped, files that
//! cannot be read, attachment templates and files that are not models are
//! listed but never sent. Nothing is sent while a row needs attention or
//! a file is still being read.

use std::collections::{HashMap, HashSet};

use trayforge_wire::StageView;

use super::file_names::{Arch, FileKind};
use crate::worker::ModelFacts;

/// The highest stage the server keeps (`0..=999`).
pub(crate) const LAST_STAGE: u32 = 999;

/// Where the worker is with a row's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParseState {
    /// Not a model file by its name: not read, never sent.
    NotAModel,
    Queued,
    Reading,
    Read(ModelFacts),
    /// The reader's (or the browser's) reason, for people.
    Failed(String),
}

/// One row of the table as the user has set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mapping {
    pub(crate) path: String,
    pub(crate) arch: Option<Arch>,
    pub(crate) stage: Option<u32>,
    pub(crate) kind: FileKind,
    pub(crate) skipped: bool,
    pub(crate) parse: ParseState,
}

/// What will happen to a row, or what it needs first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Sent on confirm.
    Send,
    /// Its content is already a version of its stage: not sent again.
    AlreadyUploaded,
    /// Listed, never sent; says why.
    NotImported(&'static str),
    /// Its file is still being read.
    Reading,
    /// The user must map it or skip it; says what is wrong and what to do.
    NeedsAttention(String),
}

impl Verdict {
    pub(crate) fn needs_attention(&self) -> bool {
        matches!(self, Verdict::NeedsAttention(_))
    }
}

/// The SHA-256s of the versions each stage already has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ExistingModels(HashMap<(Arch, u32), HashSet<String>>);

impl ExistingModels {
    pub(crate) fn from_stages(stages: &[StageView]) -> ExistingModels {
        let mut known: HashMap<(Arch, u32), HashSet<String>> = HashMap::new();
        for stage in stages {
            let (Some(arch), Ok(index)) = (Arch::from_name(&stage.arch), u32::try_from(stage.index)) else { continue };
            known.entry((arch, index)).or_default().extend(stage.models.iter().map(|model| model.sha256.clone()));
        }
        ExistingModels(known)
    }

    pub(crate) fn has(&self, arch: Arch, stage: u32, sha256: &str) -> bool {
        self.0.get(&(arch, stage)).is_some_and(|hashes| hashes.contains(sha256))
    }
}

/// The verdict of every row, in order.
pub(crate) fn assess(rows: &[Mapping], existing: &ExistingModels) -> Vec<Verdict> {
    let mut verdicts: Vec<Verdict> = rows.iter().map(|row| alone(row, existing)).collect();
    // Two rows that would both be sent (or one already there) for one stage.
    let mut claims: HashMap<(Arch, u32), Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if let (Verdict::Send | Verdict::AlreadyUploaded, Some(arch), Some(stage)) = (&verdicts[i], row.arch, row.stage)
        {
            claims.entry((arch, stage)).or_default().push(i);
        }
    }
    for rows_of_stage in claims.values().filter(|claim| claim.len() > 1) {
        for &i in rows_of_stage {
            let others: Vec<&str> =
                rows_of_stage.iter().filter(|&&j| j != i).map(|&j| file_name(&rows[j].path)).collect();
            verdicts[i] = Verdict::NeedsAttention(format!(
                "{} is mapped to the same stage: change the stage of one, or skip one",
                others.join(", ")
            ));
        }
    }
    verdicts
}

fn alone(row: &Mapping, existing: &ExistingModels) -> Verdict {
    if row.parse == ParseState::NotAModel {
        return Verdict::NotImported("not a model file (STL, PLY, OBJ or 3MF): not imported");
    }
    if row.skipped {
        return Verdict::NotImported("skipped: not imported");
    }
    if row.kind == FileKind::AttachmentTemplate {
        return Verdict::NotImported("attachment template: not imported");
    }
    let facts = match &row.parse {
        ParseState::Queued | ParseState::Reading => return Verdict::Reading,
        ParseState::Failed(_) => return Verdict::NotImported("cannot be read: skipped"),
        ParseState::Read(facts) => facts,
        ParseState::NotAModel => return Verdict::NotImported("not a model"),
    };
    match (row.arch, row.stage) {
        (None, None) => Verdict::NeedsAttention("choose its arch and stage, or skip it".into()),
        (None, Some(_)) => Verdict::NeedsAttention("choose its arch (upper or lower), or skip it".into()),
        (Some(_), None) => Verdict::NeedsAttention("enter its stage number, or skip it".into()),
        (Some(_), Some(stage)) if stage > LAST_STAGE => Verdict::NeedsAttention(format!(
            "stage {stage} is past the last stage a case can have ({LAST_STAGE}): correct the number, or skip it"
        )),
        (Some(arch), Some(stage)) if existing.has(arch, stage, &facts.sha256) => Verdict::AlreadyUploaded,
        (Some(_), Some(_)) => Verdict::Send,
    }
}

/// Why Confirm is not possible yet, for the line beside the button; `None`
/// when it is.
pub(crate) fn confirm_blocker(verdicts: &[Verdict]) -> Option<String> {
    let attention = verdicts.iter().filter(|v| v.needs_attention()).count();
    let reading = verdicts.iter().filter(|v| **v == Verdict::Reading).count();
    let sending = verdicts.iter().filter(|v| **v == Verdict::Send).count();
    if verdicts.is_empty() {
        Some("Add the plan's files first.".into())
    } else if attention > 0 {
        Some(format!(
            "{} need{} attention: map {} to an arch and a stage, or skip {}.",
            crate::display::count(attention as u64, "file", "files"),
            if attention == 1 { "s" } else { "" },
            if attention == 1 { "it" } else { "each" },
            if attention == 1 { "it" } else { "them" },
        ))
    } else if reading > 0 {
        Some(format!("Still reading {}…", crate::display::count(reading as u64, "file", "files")))
    } else if sending == 0 {
        Some("Nothing to import: every file is already uploaded, skipped or unreadable.".into())
    } else {
        None
    }
}

/// The last part of a path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Whether a path names a model file the readers take, by its extension.
pub(crate) fn is_model_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".stl", ".ply", ".obj", ".3mf"].iter().any(|extension| lower.ends_with(extension))
}

/// `12 of 30 files · 84.1 of 210.3 MB`.
pub(crate) fn progress_line(files_done: usize, files: usize, bytes_done: f64, bytes: f64) -> String {
    let mb = |bytes: f64| bytes / 1_000_000.0;
    let noun = if files == 1 { "file" } else { "files" };
    format!("{files_done} of {files} {noun} · {:.1} of {:.1} MB", mb(bytes_done.min(bytes)), mb(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(sha: &str) -> ModelFacts {
        ModelFacts { triangles: 12, vertices: 8, holes: vec![], watertight: true, sha256: sha.into() }
    }

    fn row(path: &str, arch: Option<Arch>, stage: Option<u32>) -> Mapping {
        Mapping {
            path: path.into(),
            arch,
            stage,
            kind: FileKind::Model,
            skipped: false,
            parse: ParseState::Read(facts(&format!("sha-of-{path}"))),
        }
    }

    fn check(rows: &[Mapping], existing: &ExistingModels) -> Vec<String> {
        assess(rows, existing)
            .into_iter()
            .map(|verdict| match verdict {
                Verdict::Send => "send".into(),
                Verdict::AlreadyUploaded => "already uploaded".into(),
                Verdict::NotImported(why) => why.into(),
                Verdict::Reading => "reading".into(),
                Verdict::NeedsAttention(what) => format!("attention: {what}"),
            })
            .collect()
    }

    const U: Option<Arch> = Some(Arch::Upper);
    const L: Option<Arch> = Some(Arch::Lower);

    #[test]
    fn mapped_readable_models_are_sent_and_the_rest_say_why_not() {
        let mut template = row("Upper_Template_1.stl", U, Some(1));
        template.kind = FileKind::AttachmentTemplate;
        let mut broken = row("Upper_Step_02.stl", U, Some(2));
        broken.parse = ParseState::Failed("truncated".into());
        let mut skipped = row("scan.stl", None, None);
        skipped.skipped = true;
        let mut notes = row("notes.txt", None, None);
        notes.parse = ParseState::NotAModel;
        let mut reading = row("Lower_Step_03.stl", L, Some(3));
        reading.parse = ParseState::Reading;
        let rows = [row("Upper_Step_01.stl", U, Some(1)), template, broken, skipped, notes, reading];
        assert_eq!(
            check(&rows, &ExistingModels::default()),
            [
                "send",
                "attachment template: not imported",
                "cannot be read: skipped",
                "skipped: not imported",
                "not a model file (STL, PLY, OBJ or 3MF): not imported",
                "reading",
            ]
        );
    }

    #[test]
    fn an_unmapped_row_says_what_is_missing() {
        let rows = [row("scan.stl", None, None), row("Stage 4.stl", None, Some(4)), row("Upper.stl", U, None)];
        assert_eq!(
            check(&rows, &ExistingModels::default()),
            [
                "attention: choose its arch and stage, or skip it",
                "attention: choose its arch (upper or lower), or skip it",
                "attention: enter its stage number, or skip it",
            ]
        );
    }

    #[test]
    fn two_files_for_one_stage_are_both_flagged_naming_the_other() {
        let rows = [row("a/Upper_01.stl", U, Some(1)), row("b/UJ01.stl", U, Some(1)), row("LJ01.stl", L, Some(1))];
        assert_eq!(
            check(&rows, &ExistingModels::default()),
            [
                "attention: UJ01.stl is mapped to the same stage: change the stage of one, or skip one",
                "attention: Upper_01.stl is mapped to the same stage: change the stage of one, or skip one",
                "send",
            ]
        );
    }

    #[test]
    fn a_stage_past_the_last_says_to_correct_it() {
        assert_eq!(
            check(&[row("Upper_1000.stl", U, Some(1000))], &ExistingModels::default()),
            ["attention: stage 1000 is past the last stage a case can have (999): correct the number, or skip it"]
        );
    }

    #[test]
    fn content_already_in_its_stage_is_not_sent_again_but_elsewhere_it_is() {
        let file = |sha: &str| trayforge_wire::FileView {
            id: "f".into(),
            kind: "model".into(),
            stage_id: None,
            version: 1,
            file_name: "x.stl".into(),
            content_type: "model/stl".into(),
            size_bytes: 1,
            sha256: sha.into(),
            report: None,
            uploaded_by: None,
            created_at: String::new(),
            download_url: String::new(),
            prepared_from: None,
        };
        let stage = StageView {
            id: "s".into(),
            arch: "upper".into(),
            index: 1,
            wear_from: None,
            appointment: None,
            models: vec![file("sha-of-Upper_01.stl")],
        };
        let existing = ExistingModels::from_stages(&[stage]);
        let rows = [row("Upper_01.stl", U, Some(1)), row("Upper_01.stl", U, Some(2))];
        assert_eq!(check(&rows, &existing), ["already uploaded", "send"]);
    }

    #[test]
    fn confirm_says_why_it_waits() {
        let attention = Verdict::NeedsAttention("x".into());
        assert_eq!(confirm_blocker(&[]).as_deref(), Some("Add the plan's files first."));
        assert_eq!(
            confirm_blocker(&[Verdict::Send, attention.clone()]).as_deref(),
            Some("1 file needs attention: map it to an arch and a stage, or skip it.")
        );
        assert_eq!(
            confirm_blocker(&[attention.clone(), attention]).as_deref(),
            Some("2 files need attention: map each to an arch and a stage, or skip them.")
        );
        assert_eq!(confirm_blocker(&[Verdict::Send, Verdict::Reading]).as_deref(), Some("Still reading 1 file…"));
        assert!(confirm_blocker(&[Verdict::AlreadyUploaded]).is_some_and(|why| why.starts_with("Nothing to import")));
        assert_eq!(confirm_blocker(&[Verdict::Send, Verdict::AlreadyUploaded]), None);
    }

    #[test]
    fn model_files_are_told_by_extension_and_progress_reads_in_files_and_megabytes() {
        assert!(is_model_path("plan/Upper_Step_01.STL"));
        assert!(is_model_path("a.3mf") && is_model_path("a.ply") && is_model_path("a.obj"));
        assert!(!is_model_path("notes.txt") && !is_model_path("stl"));
        assert_eq!(file_name("plan/upper/U01.stl"), "U01.stl");
        assert_eq!(progress_line(12, 30, 84_120_000.0, 210_300_000.0), "12 of 30 files · 84.1 of 210.3 MB");
        assert_eq!(progress_line(0, 1, 0.0, 4_261_684.0), "0 of 1 file · 0.0 of 4.3 MB");
    }
}
