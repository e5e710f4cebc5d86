//! Why a recipe could not be applied: the step and its own error.

use std::fmt;

use crate::label::LabelError;
use crate::ops::{BaseError, HollowError, TrimError};

/// A step of a recipe, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Repair,
    Trim,
    Base,
    Hollow,
    Label,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::Repair => "repair",
            Step::Trim => "trim",
            Step::Base => "flat base",
            Step::Hollow => "hollow",
            Step::Label => "label",
        })
    }
}

/// Why a recipe could not be applied. The model is never changed: the
/// recipe's result is made whole or not at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrepareError {
    #[error("the model has no faces; upload the arch's model again")]
    Empty,
    #[error(
        "the label goes on the bottom of the base, and this recipe has no base; turn the base on, or the label off"
    )]
    LabelNeedsBase,
    #[error(
        "hollowing drains the hollows through the bottom of the base, and this recipe has no base; turn the base on, \
         or hollowing off"
    )]
    HollowNeedsBase,
    #[error("trim: {0}")]
    Trim(#[from] TrimError),
    #[error("flat base: {0}")]
    Base(#[from] BaseError),
    #[error("hollow: {0}")]
    Hollow(#[from] HollowError),
    #[error("label: {0}")]
    Label(#[from] LabelError),
}

impl PrepareError {
    /// The step that failed, for a message that points at its settings.
    pub fn step(&self) -> Option<Step> {
        match self {
            PrepareError::Empty => None,
            PrepareError::LabelNeedsBase | PrepareError::Label(_) => Some(Step::Label),
            PrepareError::Trim(_) => Some(Step::Trim),
            PrepareError::Base(_) => Some(Step::Base),
            PrepareError::HollowNeedsBase | PrepareError::Hollow(_) => Some(Step::Hollow),
        }
    }
}
