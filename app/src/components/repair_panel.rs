//! Repair of the model on the page, in the browser: whether the model is
//! ready to print and, when not, what is wrong and what Repair or Prepare
//! does about it; a button when the report shows something repair can
//! fix, then what it changed in a sentence, and the repaired model to
//! download only when repair changed something.

use leptos::prelude::*;
use mesh_core::{Orientation, ValidationReport};

/// Where the model is with repair.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RepairState {
    /// Not repaired (yet).
    Original,
    /// Repaired: what changed, in a sentence, and whether anything did.
    Repaired { summary: String, changed: bool },
}

#[component]
pub(crate) fn RepairPanel(
    report: std::sync::Arc<ValidationReport>,
    state: RepairState,
    on_repair: Callback<()>,
    on_download: Callback<()>,
) -> impl IntoView {
    let readiness = mesh_core::readiness(&report);
    let verdict = (!readiness.is_ready()).then(|| {
        view! {
            <div class="repair not-ready" data-testid="not-ready">
                <p><strong>"Not ready to print:"</strong></p>
                <ul>
                    {readiness.problems.into_iter().map(|p| view! {
                        <li data-testid="not-ready-problem">{p.found}" — "{p.remedy}"."</li>
                    }).collect_view()}
                </ul>
            </div>
        }
    });
    let action = match state {
        RepairState::Repaired { summary, changed } => view! {
            <div class="repair" data-testid="repair-report">
                <h3>"Repaired"</h3>
                <p data-testid="repair-summary">{crate::display::sentence(&summary)}</p>
                {changed.then(|| view! {
                    <button type="button" class="primary" data-testid="download" on:click=move |_| on_download.run(())>
                        "Download repaired STL"
                    </button>
                })}
            </div>
        }
        .into_any(),
        RepairState::Original if needs_repair(&report) => view! {
            <div class="repair">
                <p>"Repair can close holes and cracks, fix flipped and broken faces and remove loose pieces."</p>
                <button type="button" class="primary" data-testid="repair" on:click=move |_| on_repair.run(())>
                    "Repair"
                </button>
            </div>
        }
        .into_any(),
        RepairState::Original if verdict.is_some() => view! {
            <p class="repair" data-testid="nothing-to-repair">"Repair has nothing to fix here; Prepare makes the model printable."</p>
        }
        .into_any(),
        RepairState::Original => view! { <p class="repair ok" data-testid="nothing-to-repair">"Nothing to repair: the model is ready to print."</p> }.into_any(),
    };
    view! { {verdict} {action} }.into_any()
}

/// Whether the report shows a problem repair addresses.
fn needs_repair(report: &ValidationReport) -> bool {
    !report.watertight
        || report.degenerate_faces > 0
        || report.duplicate_faces > 0
        || !matches!(report.orientation, Orientation::Consistent { outward: true })
}
