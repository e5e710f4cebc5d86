//! One file per page of the app.

mod inspect;
mod not_found;

pub(crate) use inspect::InspectPage;
pub(crate) use not_found::NotFoundPage;
