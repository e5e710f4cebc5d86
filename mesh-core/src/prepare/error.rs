//! Why a recipe could not be applied: the step and its own error.

use std::fmt;

use crate::label::LabelError;
use crate::ops::{BaseError, FrameError, HollowError, TrimError, UniteError};

/// A step of a recipe, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Finding which way the teeth point.
    Frame,
    Repair,
    /// Overlapping pieces (gum and teeth) made one solid.
    Unite,
    Trim,
    Base,
    Hollow,
    Label,
    /// The result checked printable and stood on its base.
    Check,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::Frame => "frame",
            Step::Repair => "repair",
            Step::Unite => "unite",
            Step::Trim => "trim",
            Step::Base => "flat base",
            Step::Hollow => "hollow",
            Step::Label => "label",
            Step::Check => "check",
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
    #[error("frame: {0}")]
    Frame(#[from] FrameError),
    #[error(
        "the up direction ({}, {}, {}) has no direction; flip the arch's arrow instead, or give one such as (0, 0, 1)",
        up[0], up[1], up[2]
    )]
    Up { up: [f32; 3] },
    #[error("unite: {0}")]
    Unite(#[from] UniteError),
    #[error("trim: {0}")]
    Trim(#[from] TrimError),
    #[error("flat base: {0}")]
    Base(#[from] BaseError),
    #[error("hollow: {0}")]
    Hollow(#[from] HollowError),
    #[error("label: {0}")]
    Label(#[from] LabelError),
    /// The result is not one closed solid facing outward: nothing is saved.
    #[error("check: the prepared model is not printable: {}; {}", problems.join(", "), advice)]
    NotPrintable { problems: Vec<String>, advice: &'static str },
}

impl PrepareError {
    /// The step that failed, for a message that points at its settings.
    pub fn step(&self) -> Option<Step> {
        match self {
            PrepareError::Empty => None,
            PrepareError::Frame(_) | PrepareError::Up { .. } => Some(Step::Frame),
            PrepareError::Unite(_) => Some(Step::Unite),
            PrepareError::NotPrintable { .. } => Some(Step::Check),
            PrepareError::LabelNeedsBase | PrepareError::Label(_) => Some(Step::Label),
            PrepareError::Trim(_) => Some(Step::Trim),
            PrepareError::Base(_) => Some(Step::Base),
            PrepareError::HollowNeedsBase | PrepareError::Hollow(_) => Some(Step::Hollow),
        }
    }
}
