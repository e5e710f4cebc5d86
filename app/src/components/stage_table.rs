//! The stages of one arch as a table: stage, the day its aligner is first
//! worn, the appointment it is handed out at, and its model versions (the
//! current one first) with the server's reading of each file, and an
//! "Upload model" action for the stage's next version.

use leptos::prelude::*;
use trayforge_wire::{FileView, StageView};

use crate::api::download_href;
use crate::components::UploadButton;
use crate::display::{group_thousands, human_date, megabytes};
use crate::import::file_names::Arch;
use crate::import::uploads::Target;

#[component]
pub(crate) fn StageTable(
    /// `upper` or `lower`.
    arch: &'static str,
    /// "Upper arch".
    title: &'static str,
    /// The stages of this arch, in order.
    stages: Vec<StageView>,
    /// The case, for uploads.
    case_id: String,
    /// A model was uploaded: the page shows the case again.
    on_uploaded: Callback<()>,
) -> impl IntoView {
    let heading_id = format!("stages-{arch}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="stage-arch" data-testid=format!("stages-{arch}") aria-labelledby=labelled_by>
            <h3 id=heading_id>{title}</h3>
            <div class="table-scroll">
                <table class="stage-table">
                    <thead>
                        <tr>
                            <th scope="col">"Stage"</th>
                            <th scope="col">"Worn from"</th>
                            <th scope="col">"Appointment"</th>
                            <th scope="col">"Models"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {stages
                            .into_iter()
                            .map(|stage| view! { <StageRow stage=stage case_id=case_id.clone() on_uploaded=on_uploaded /> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn StageRow(stage: StageView, case_id: String, on_uploaded: Callback<()>) -> impl IntoView {
    let name = if stage.index == 0 { "0 (start)".to_owned() } else { stage.index.to_string() };
    let wear_from = stage.wear_from.as_deref().map_or_else(|| "—".to_owned(), human_date);
    let appointment = stage.appointment.map_or_else(|| "—".to_owned(), |n| n.to_string());
    let current = stage.models.len();
    let target = Arch::from_name(&stage.arch)
        .zip(u32::try_from(stage.index).ok())
        .map(|(arch, stage)| Target::Model { arch, stage });
    let description = format!("Upload a new model for {} stage {}", stage.arch, stage.index);
    view! {
        <tr data-testid="stage-row" data-arch=stage.arch.clone() data-index=stage.index.to_string()>
            <th scope="row">{name}</th>
            <td>{wear_from}</td>
            <td>{appointment}</td>
            <td>
                <ul class="model-versions">
                    {stage
                        .models
                        .into_iter()
                        .rev()
                        .map(|model| {
                            let is_current = model.version as usize == current;
                            view! { <ModelVersion model=model current=is_current /> }
                        })
                        .collect_view()}
                </ul>
                {target.map(|target| view! {
                    <UploadButton
                        case_id=case_id
                        target=target
                        label="Upload model"
                        accept=".stl,.ply,.obj,.3mf"
                        description=description
                        on_uploaded=on_uploaded
                    />
                })}
            </td>
        </tr>
    }
}

#[component]
fn ModelVersion(model: FileView, current: bool) -> impl IntoView {
    let href = download_href(&model);
    let report = model.report.as_ref().map(|report| {
        let watertight = if report.watertight { "watertight: yes" } else { "watertight: no" };
        view! {
            <span data-testid="model-triangles" data-count=report.triangles.to_string()>
                {format!("{} triangles", group_thousands(report.triangles))}
            </span>
            <span class="watertight" class:problem=!report.watertight data-testid="model-watertight">
                {watertight}
            </span>
        }
    });
    view! {
        <li class="model-version" class:current=current class:prepared=model.prepared_from.is_some() data-testid="model-version">
            <span class="version">{format!("v{}", model.version)}</span>
            {model.prepared_from.is_some().then(|| view! {
                <span class="prepared-mark" data-testid="model-prepared" title="Prepared from an earlier version, which is kept">"prepared"</span>
            })}
            <a href=href download=model.file_name.clone() data-testid="model-download">{model.file_name.clone()}</a>
            {report}
            <span class="size">{megabytes(model.size_bytes)}</span>
        </li>
    }
}
