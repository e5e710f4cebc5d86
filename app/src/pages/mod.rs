//! One file per page of the app.

mod admin_tokens;
mod admin_users;
mod admin_webhooks;
mod case_page;
mod cases_board;
mod home;
mod import_plan;
mod inspect;
mod login;
mod new_case;
mod not_found;
mod prepare;

pub(crate) use admin_tokens::AdminTokensPage;
pub(crate) use admin_users::AdminUsersPage;
pub(crate) use admin_webhooks::AdminWebhooksPage;
pub(crate) use case_page::CasePage;
pub(crate) use cases_board::CasesPage;
pub(crate) use home::HomePage;
pub(crate) use import_plan::ImportPlanPage;
pub(crate) use inspect::InspectPage;
pub(crate) use login::LoginPage;
pub(crate) use new_case::NewCasePage;
pub(crate) use not_found::NotFoundPage;
pub(crate) use prepare::PreparePage;
