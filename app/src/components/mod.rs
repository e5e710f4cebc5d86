//! Reusable pieces of pages.

mod account_menu;
mod case_card;
mod drop_zone;
mod form_field;
mod mesh_facts;
mod repair_panel;
mod signed_in_only;
mod stage_table;
mod status_select;

pub(crate) use account_menu::AccountMenu;
pub(crate) use case_card::CaseCard;
pub(crate) use drop_zone::DropZone;
pub(crate) use form_field::{FieldState, FormField};
pub(crate) use mesh_facts::MeshFacts;
pub(crate) use repair_panel::{RepairPanel, RepairState};
pub(crate) use signed_in_only::SignedInOnly;
pub(crate) use stage_table::StageTable;
pub(crate) use status_select::StatusSelect;
