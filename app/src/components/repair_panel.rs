//! Repair of the model on the page, in the browser: a button when the
//! report shows something repair can fix, then what it changed and the
//! repaired model to download.

use leptos::prelude::*;
use mesh_core::{Orientation, ValidationReport};

/// Where the model is with repair.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RepairState {
    /// Not repaired (yet).
    Original,
    /// Repaired: what changed, one line per change.
    Repaired(Vec<String>),
}

#[component]
pub(crate) fn RepairPanel(
    report: std::sync::Arc<ValidationReport>,
    state: RepairState,
    on_repair: Callback<()>,
    on_download: Callback<()>,
) -> impl IntoView {
    match state {
        RepairState::Repaired(lines) => view! {
            <div class="repair" data-testid="repair-report">
                <h3>"Repaired"</h3>
                <ul>{lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                <button type="button" class="primary" data-testid="download" on:click=move |_| on_download.run(())>
                    "Download repaired STL"
                </button>
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
        RepairState::Original => view! { <p class="repair ok" data-testid="nothing-to-repair">"Nothing to repair: the model is ready to print."</p> }.into_any(),
    }
}

/// Whether the report shows a problem repair addresses.
fn needs_repair(report: &ValidationReport) -> bool {
    !report.watertight
        || report.degenerate_faces > 0
        || report.duplicate_faces > 0
        || !matches!(report.orientation, Orientation::Consistent { outward: true })
}
