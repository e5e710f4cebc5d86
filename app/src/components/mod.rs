//! Reusable pieces of pages.

mod access_refused;
mod account_menu;
mod admin_tabs;
mod case_activity;
mod case_card;
mod change_password;
mod checkbox_group;
mod confirm_action;
mod dialog;
mod drop_zone;
mod form_field;
mod mesh_facts;
mod pager;
mod repair_panel;
mod secret_once;
mod signed_in_only;
mod stage_table;
mod status_select;

pub(crate) use access_refused::AccessRefused;
pub(crate) use account_menu::AccountMenu;
pub(crate) use admin_tabs::AdminTabs;
pub(crate) use case_activity::CaseActivity;
pub(crate) use case_card::CaseCard;
pub(crate) use change_password::ChangePassword;
pub(crate) use checkbox_group::{CheckboxGroup, Choice};
pub(crate) use confirm_action::ConfirmAction;
pub(crate) use dialog::Dialog;
pub(crate) use drop_zone::DropZone;
pub(crate) use form_field::{FieldState, FormErrors, FormField};
pub(crate) use mesh_facts::MeshFacts;
pub(crate) use pager::Pager;
pub(crate) use repair_panel::{RepairPanel, RepairState};
pub(crate) use secret_once::SecretOnce;
pub(crate) use signed_in_only::SignedInOnly;
pub(crate) use stage_table::StageTable;
pub(crate) use status_select::StatusSelect;
