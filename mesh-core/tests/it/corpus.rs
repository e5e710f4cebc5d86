//! Every file of the shared corpus gives the outcome its manifest names.

use std::path::PathBuf;

use mesh_core::{Orientation, ReadWarning, read, validate};

/// The corpus folder: `TRAYFORGE_CORPUS`, or `shared/corpus` beside the checkout.
pub(crate) fn corpus_dir() -> PathBuf {
    match std::env::var_os("TRAYFORGE_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    }
}

struct Entry {
    path: String,
    triangles: Option<usize>,
    expected: String,
}

fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("the corpus manifest is readable");
    text.lines()
        .skip(1)
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            Entry { path: columns[0].to_owned(), triangles: columns[3].parse().ok(), expected: columns[5].to_owned() }
        })
        .collect()
}

/// What a reader error message must mention for each `error: …` in the manifest.
fn error_mentions(expected: &str) -> &'static str {
    match expected {
        "error: truncated" => "truncated",
        "error: empty file" => "empty",
        "error: no triangle count" => "triangle count",
        "error: non-finite coordinate" => "not a finite number",
        "error: unexpected end of file" => "ends at line",
        "error: invalid number (line and column)" => "line 6, column 24",
        "error: not an STL file" => "not an STL file",
        other => panic!("the manifest names an error this test does not know: {other}"),
    }
}

/// The validation findings an `ok-with-warnings: …` entry names, checked against the report.
fn validation_mismatch(expected: &str, report: &mesh_core::ValidationReport) -> Option<String> {
    let (named, holds) = if expected.contains("degenerate faces") {
        ("2 degenerate faces", report.degenerate_faces == 2)
    } else if expected.contains("not watertight (1 boundary loop)") {
        ("1 boundary loop", !report.watertight && report.boundary_loops.len() == 1)
    } else if expected.contains("inconsistent orientation") {
        ("inconsistent orientation", matches!(report.orientation, Orientation::Inconsistent { .. }))
    } else if expected.contains("1 non-manifold edge") {
        ("1 non-manifold edge", report.non_manifold_edges == 1)
    } else {
        return None;
    };
    (!holds).then(|| format!("the report does not show {named}: {report:?}"))
}

#[test]
fn every_file_in_the_corpus_gives_the_manifest_outcome() {
    let entries = manifest();
    assert!(entries.len() >= 40, "the corpus manifest lists {} files", entries.len());
    let mut failures = Vec::new();
    for entry in &entries {
        let bytes = std::fs::read(corpus_dir().join(&entry.path)).expect("corpus file is readable");
        let outcome = read(&bytes);
        let problem = match (&outcome, entry.expected.strip_prefix("error: ")) {
            (Ok(read), None) => {
                let count_ok = Some(read.mesh.triangle_count()) == entry.triangles;
                let warned_trailing = read.warnings.iter().any(|w| matches!(w, ReadWarning::TrailingBytes { .. }));
                let warned_empty = read.warnings.contains(&ReadWarning::NoTriangles);
                let wants_trailing = entry.expected.contains("trailing byte");
                let wants_empty = entry.expected.contains("no triangles");
                if !count_ok {
                    Some(format!("read {} triangles", read.mesh.triangle_count()))
                } else if let Some(problem) = validation_mismatch(&entry.expected, &validate(&read.mesh)) {
                    Some(problem)
                } else if warned_trailing != wants_trailing || warned_empty != wants_empty {
                    Some(format!("warnings {:?}", read.warnings))
                } else {
                    None
                }
            }
            (Ok(read), Some(_)) => Some(format!("read {} triangles instead of failing", read.mesh.triangle_count())),
            (Err(error), None) => Some(format!("failed: {error}")),
            (Err(error), Some(_)) => {
                let message = error.to_string();
                (!message.contains(error_mentions(&entry.expected))).then(|| format!("message: {message}"))
            }
        };
        if let Some(problem) = problem {
            failures.push(format!("{} (expected {}): {problem}", entry.path, entry.expected));
        }
    }
    assert!(failures.is_empty(), "corpus mismatches:\n{}", failures.join("\n"));
}
