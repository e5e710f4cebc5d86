//! `/cases/:id/import`: bulk import of a treatment plan. The user gives a
//! folder, a `.zip` or files; each file gets a row with the arch, stage
//! and kind its name suggests and the mesh worker's reading of it; the
//! user corrects, maps or skips rows; nothing is saved until Confirm
//! import, which sends the files one at a time with a progress bar,
//! retries, and a pause while the connection is lost.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use trayforge_wire::CaseDetail;

use crate::api::{ClientError, use_api};
use crate::components::{Given, ImportTable, PlanDropZone, UploadProgress};
use crate::display::{count, sentence};
use crate::import::file_names::Arch;
use crate::import::plan::{ExistingModels, Verdict, assess, confirm_blocker};
use crate::import::rows::{ImportRow, RowUpload, read_queued};
use crate::import::uploads::{Network, Progress, Target, Upload, send};

#[derive(Debug, Clone, PartialEq)]
enum CaseLoad {
    Waiting,
    Loaded(Box<CaseDetail>),
    Failed(String),
}

/// Where the import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Mapping,
    Sending,
    Finished,
}

#[component]
pub(crate) fn ImportPlanPage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let case = RwSignal::new(CaseLoad::Waiting);
    {
        let id = id.clone();
        spawn_local(async move {
            case.set(match api.case(&id).await {
                Ok(detail) => CaseLoad::Loaded(Box::new(detail)),
                Err(error) if error.is_not_found() => {
                    CaseLoad::Failed("This clinic has no such case; it may have been deleted.".into())
                }
                Err(error) => CaseLoad::Failed(sentence(&error.to_string())),
            });
        });
    }
    let id = StoredValue::new(id);
    move || match case.get() {
        CaseLoad::Waiting => view! { <p class="page status" role="status">"Loading the case…"</p> }.into_any(),
        CaseLoad::Failed(message) => view! {
            <section class="page">
                <p class="form-error" role="alert">{message}</p>
                <p><A href="/cases">"Back to all cases"</A></p>
            </section>
        }
        .into_any(),
        CaseLoad::Loaded(detail) => view! { <Import id=id.get_value() detail=*detail /> }.into_any(),
    }
}

#[component]
fn Import(id: String, detail: CaseDetail) -> impl IntoView {
    let api = use_api();
    let case_href = format!("/cases/{id}");
    let case_id = StoredValue::new(id);
    let existing = ExistingModels::from_stages(&detail.stages);
    let rows = RwSignal::new(Vec::<ImportRow>::new());
    let problems = RwSignal::new(Vec::<String>::new());
    let phase = RwSignal::new(Phase::Mapping);
    let network = StoredValue::new_local(Network::default());
    // The rows of this upload, in the order they are sent.
    let sending = RwSignal::new(Vec::<ImportRow>::new());

    let verdicts = Memo::new(move |_| {
        let mappings: Vec<_> = rows.with(|rows| rows.iter().map(ImportRow::mapping).collect());
        assess(&mappings, &existing)
    });
    let blocker = Memo::new(move |_| verdicts.with(|verdicts| confirm_blocker(verdicts)));

    let on_files = Callback::new(move |(mut files, found): Given| {
        problems.set(found);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        rows.update(|rows| rows.extend(files.into_iter().map(ImportRow::new)));
        read_queued(rows);
    });

    let run = move |batch: Vec<ImportRow>| {
        phase.set(Phase::Sending);
        for row in &batch {
            row.upload.set(RowUpload::Waiting);
        }
        spawn_local(async move {
            for row in batch {
                let (Some(arch), Some(stage)) = (row.arch.get_untracked(), row.stage.get_untracked()) else { continue };
                let upload = Upload {
                    target: Target::Model { arch, stage },
                    file_name: crate::import::plan::file_name(&row.path.get_value()).to_owned(),
                    blob: row.blob.get_value(),
                    sha256: row.sha256(),
                    prepared_from: None,
                };
                let report = move |progress: Progress| {
                    row.upload.set(match progress {
                        Progress::Sending(sent) => RowUpload::Sending { sent },
                        Progress::Retrying { tries } => RowUpload::Retrying { tries },
                        Progress::Paused => RowUpload::Paused,
                    });
                };
                let sent = send(api, &case_id.get_value(), &upload, &network.get_value(), report).await;
                row.upload.set(match sent {
                    Ok(file) => RowUpload::Done { triangles: file.report.map(|report| report.triangles) },
                    Err(ClientError::SignedOut) => return,
                    Err(error) => RowUpload::Failed(sentence(&error.to_string())),
                });
            }
            phase.set(Phase::Finished);
        });
    };
    let confirm = move |_| {
        let mut batch: Vec<ImportRow> = rows.with_untracked(|rows| {
            verdicts.with_untracked(|verdicts| {
                rows.iter().zip(verdicts).filter(|(_, v)| **v == Verdict::Send).map(|(row, _)| *row).collect()
            })
        });
        batch.sort_by_key(|row| (row.arch.get_untracked().map(|a| a != Arch::Upper), row.stage.get_untracked()));
        sending.set(batch.clone());
        run(batch);
    };
    let retry_failed = move |_| {
        let failed: Vec<ImportRow> = sending
            .get_untracked()
            .into_iter()
            .filter(|row| matches!(row.upload.get_untracked(), RowUpload::Failed(_)))
            .collect();
        run(failed);
    };

    let files_done = Signal::derive(move || {
        sending.with(|rows| rows.iter().filter(|row| matches!(row.upload.get(), RowUpload::Done { .. })).count())
    });
    let files_total = Signal::derive(move || sending.with(Vec::len));
    let bytes_total = Signal::derive(move || sending.with(|rows| rows.iter().map(|row| row.size).sum()));
    let bytes_done = Signal::derive(move || {
        sending.with(|rows| {
            rows.iter()
                .map(|row| match row.upload.get() {
                    RowUpload::Done { .. } => row.size,
                    RowUpload::Sending { sent } => sent.min(row.size),
                    _ => 0.0,
                })
                .sum()
        })
    });
    let paused = move || sending.with(|rows| rows.iter().any(|row| row.upload.get() == RowUpload::Paused));
    let failed =
        move || sending.with(|rows| rows.iter().filter(|row| matches!(row.upload.get(), RowUpload::Failed(_))).count());
    let locked = Signal::derive(move || phase.get() != Phase::Mapping);
    let code = detail.case.patient.code.clone();

    view! {
        <section class="page import-page" data-testid="import-page">
            <p class="back"><A href=case_href.clone()>{format!("← Case {code}")}</A></p>
            <h1>"Import a treatment plan"</h1>
            <p class="hint">
                "Each file's name suggests its arch, stage and kind; check them, map or skip what was not recognised, then confirm. Nothing is saved before that."
            </p>
            <PlanDropZone on_files=on_files disabled=locked />
            {move || {
                let found = problems.get();
                (!found.is_empty()).then(|| view! {
                    <ul class="read-error" role="alert" data-testid="import-problems">
                        {found.into_iter().map(|p| view! { <li>{sentence(&p)}</li> }).collect_view()}
                    </ul>
                })
            }}
            {move || if rows.with(Vec::is_empty) {
                view! { <p class="hint" data-testid="import-empty">"No files yet: drop the plan's folder or .zip above, or choose its files."</p> }.into_any()
            } else {
                view! { <ImportTable rows=rows verdicts=verdicts locked=locked /> }.into_any()
            }}
            <div class="form-actions import-actions">
                {move || (phase.get() == Phase::Mapping).then(|| view! {
                    <button
                        type="button"
                        class="primary"
                        data-testid="confirm-import"
                        disabled=move || blocker.get().is_some()
                        on:click=confirm
                    >
                        {move || format!("Confirm import ({})", count(verdicts.with(|v| v.iter().filter(|v| **v == Verdict::Send).count()) as u64, "file", "files"))}
                    </button>
                    <span class="hint" data-testid="confirm-blocker">{move || blocker.get()}</span>
                })}
            </div>
            {move || (phase.get() != Phase::Mapping).then(|| view! {
                <UploadProgress files_done=files_done files=files_total bytes_done=bytes_done bytes=bytes_total />
            })}
            {move || paused().then(|| view! {
                <p class="paused" role="status" data-testid="import-paused">
                    "Paused: the connection is lost. The import goes on by itself when the browser is back online. "
                    <button type="button" class="quiet" on:click=move |_| network.with_value(Network::resume)>"Resume"</button>
                </p>
            })}
            {move || (phase.get() == Phase::Finished).then(|| {
                let failures = failed();
                view! {
                    <div class="import-done" role="status" data-testid="import-done">
                        <p>
                            {format!("{} uploaded", count(files_done.get() as u64, "file", "files"))}
                            {(failures > 0).then(|| format!(", {} failed (see the rows above)", failures))}
                            "."
                        </p>
                        <div class="form-actions">
                            <A href=case_href.clone() attr:class="button primary" attr:data-testid="open-case">"Open the case"</A>
                            {(failures > 0).then(|| view! {
                                <button type="button" class="quiet" data-testid="retry-failed" on:click=retry_failed>"Retry failed"</button>
                            })}
                        </div>
                    </div>
                }
            })}
        </section>
    }
}
