//! The treatment as the case page's viewer plays it: which model shows at
//! each stage (`plan.rs`), and the models kept in memory (`recent.rs`).
//! No DOM: the component is `components/treatment_viewer.rs`.

mod plan;
mod recent;

pub(crate) use plan::TreatmentPlan;
pub(crate) use recent::Recent;
