//! The import's mapping table: a row per file with its path, the guessed
//! arch, stage and kind (editable), what the worker read, and what will
//! happen to it — or, once sending, how its upload goes.

use leptos::prelude::*;

use crate::display::{group_thousands, megabytes, sentence};
use crate::import::file_names::{Arch, FileKind};
use crate::import::plan::{LAST_STAGE, ParseState, Verdict};
use crate::import::rows::{ImportRow, RowUpload};

#[component]
pub(crate) fn ImportTable(
    rows: RwSignal<Vec<ImportRow>>,
    verdicts: Memo<Vec<Verdict>>,
    /// The mapping can no longer change (sending has started).
    #[prop(into)]
    locked: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="import-table" data-testid="import-table">
                <thead>
                    <tr>
                        <th scope="col">"File"</th>
                        <th scope="col">"Arch"</th>
                        <th scope="col">"Stage"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Model"</th>
                        <th scope="col">"Import"</th>
                        <th scope="col">"Skip"</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get().into_iter().enumerate()
                        key=|(i, _)| *i
                        children=move |(i, row)| {
                            let verdict = Signal::derive(move || verdicts.with(|all| all.get(i).cloned()));
                            view! { <Row row=row verdict=verdict locked=locked /> }
                        }
                    />
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Row(row: ImportRow, verdict: Signal<Option<Verdict>>, locked: Signal<bool>) -> impl IntoView {
    let path = row.path.get_value();
    let shown = path.clone();
    let label = move |what: &str| format!("{what} of {}", row.path.get_value());
    let fixed = move || locked.get() || row.skipped.get() || row.parse.with(|p| *p == ParseState::NotAModel);
    let attention = move || verdict.with(|v| v.as_ref().is_some_and(Verdict::needs_attention));
    view! {
        <tr
            data-testid="import-row"
            data-path=path
            data-verdict=move || verdict_code(verdict.get().as_ref())
            data-upload=move || upload_code(&row.upload.get())
            class:attention=attention
            class:skipped=move || row.skipped.get()
        >
            <th scope="row" class="path">
                <span>{shown}</span>
                <span class="size">{megabytes(row.size as u64)}</span>
            </th>
            <td>
                <select
                    data-testid="row-arch"
                    aria-label=label("Arch")
                    disabled=fixed
                    prop:value=move || row.arch.get().map_or("", Arch::as_str)
                    on:change=move |ev| row.arch.set(Arch::from_name(&event_target_value(&ev)))
                >
                    <option value="">"—"</option>
                    <option value="upper">"Upper"</option>
                    <option value="lower">"Lower"</option>
                </select>
            </td>
            <td>
                <input
                    type="number"
                    inputmode="numeric"
                    min="0"
                    max=LAST_STAGE.to_string()
                    class="stage-input"
                    data-testid="row-stage"
                    aria-label=label("Stage")
                    disabled=fixed
                    prop:value=move || row.stage.get().map(|s| s.to_string()).unwrap_or_default()
                    on:input=move |ev| row.stage.set(event_target_value(&ev).trim().parse().ok())
                />
            </td>
            <td>
                <select
                    data-testid="row-kind"
                    aria-label=label("Kind")
                    disabled=fixed
                    prop:value=move || if row.kind.get() == FileKind::Model { "model" } else { "template" }
                    on:change=move |ev| {
                        let kind = if event_target_value(&ev) == "model" { FileKind::Model } else { FileKind::AttachmentTemplate };
                        row.kind.set(kind);
                    }
                >
                    <option value="model">"Model"</option>
                    <option value="template">"Attachment template"</option>
                </select>
            </td>
            <td data-testid="row-read" class:problem=move || matches!(row.parse.get(), ParseState::Failed(_))>
                {move || read_text(&row.parse.get())}
            </td>
            <td data-testid="row-status" class="row-status">
                {move || match row.upload.get() {
                    RowUpload::NotSent => verdict.get().map(|v| verdict_text(&v)).unwrap_or_default(),
                    upload => upload_text(&upload, row.size),
                }}
            </td>
            <td>
                <input
                    type="checkbox"
                    data-testid="row-skip"
                    aria-label=label("Skip")
                    disabled=move || locked.get() || row.parse.with(|p| *p == ParseState::NotAModel)
                    prop:checked=move || row.skipped.get()
                    on:change=move |ev| row.skipped.set(event_target_checked(&ev))
                />
            </td>
        </tr>
    }
}

/// Whether a model is closed, in words a technician acts on: an open
/// scan's rim told apart from small holes (by the readiness verdict's
/// rule), and what preparation does about them.
fn closure_text(watertight: bool, holes: &[usize]) -> String {
    if watertight {
        return "closed".to_owned();
    }
    let rims = holes.iter().filter(|&&edges| edges > mesh_core::OPEN_RIM_EDGES).count();
    let small = holes.len() - rims;
    let mut parts = Vec::new();
    match rims {
        0 => {}
        1 => parts.push("open along its rim".to_owned()),
        n => parts.push(format!("open along {n} rims")),
    }
    match small {
        0 => {}
        1 => parts.push("1 small hole".to_owned()),
        n => parts.push(format!("{n} small holes")),
    }
    if parts.is_empty() {
        parts.push("pieces meet at shared edges".to_owned());
    }
    format!("{} — Prepare closes it", parts.join(", "))
}

fn read_text(parse: &ParseState) -> String {
    match parse {
        ParseState::NotAModel => "—".into(),
        ParseState::Queued => "Queued".into(),
        ParseState::Reading => "Reading…".into(),
        ParseState::Read(facts) => {
            format!("{} triangles · {}", group_thousands(facts.triangles), closure_text(facts.watertight, &facts.holes))
        }
        ParseState::Failed(message) => message.clone(),
    }
}

fn verdict_text(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Send => "Will be uploaded".into(),
        Verdict::AlreadyUploaded => "Already uploaded: not sent again".into(),
        Verdict::NotImported(why) => sentence(why),
        Verdict::Reading => "Waiting for the reading".into(),
        Verdict::NeedsAttention(what) => sentence(what),
    }
}

fn verdict_code(verdict: Option<&Verdict>) -> &'static str {
    match verdict {
        Some(Verdict::Send) => "send",
        Some(Verdict::AlreadyUploaded) => "already-uploaded",
        Some(Verdict::NotImported(_)) => "not-imported",
        Some(Verdict::Reading) | None => "reading",
        Some(Verdict::NeedsAttention(_)) => "attention",
    }
}

fn upload_text(upload: &RowUpload, size: f64) -> String {
    match upload {
        RowUpload::NotSent => String::new(),
        RowUpload::Waiting => "Waiting".into(),
        RowUpload::Sending { sent } => {
            let percent = if size > 0.0 { (sent / size * 100.0).clamp(0.0, 100.0).floor() } else { 100.0 };
            format!("Uploading {percent} %")
        }
        RowUpload::Retrying { tries } => format!("Failed try {tries}; trying again shortly"),
        RowUpload::Paused => "Paused: waiting for the network".into(),
        RowUpload::Done { triangles: Some(n) } => format!("Done · {} triangles", group_thousands(*n)),
        RowUpload::Done { triangles: None } => "Done".into(),
        RowUpload::Failed(message) => format!("Failed: {message}"),
    }
}

fn upload_code(upload: &RowUpload) -> &'static str {
    match upload {
        RowUpload::NotSent => "not-sent",
        RowUpload::Waiting => "waiting",
        RowUpload::Sending { .. } => "sending",
        RowUpload::Retrying { .. } => "retrying",
        RowUpload::Paused => "paused",
        RowUpload::Done { .. } => "done",
        RowUpload::Failed(_) => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_model_says_what_is_open_and_that_prepare_closes_it() {
        assert_eq!(closure_text(true, &[]), "closed");
        assert_eq!(closure_text(false, &[1435, 12, 30]), "open along its rim, 2 small holes — Prepare closes it");
        assert_eq!(closure_text(false, &[8; 110]), "110 small holes — Prepare closes it");
        assert_eq!(closure_text(false, &[]), "pieces meet at shared edges — Prepare closes it");
    }
}
