//! Types and rules of the business, with no HTTP and no SQL: who may do
//! what (`role`, `scope`), what a valid email or password is, how secrets
//! are made and hashed (`credentials`), who is asking (`identity`), what they
//! may do with patient data (`access`), cases' statuses and codes, who
//! may change whose account (`account`), what a valid preparation recipe
//! is (`recipe`), and what webhooks are made of and
//! how their deliveries are signed (`webhook`, `webhook_signature`), and
//! where deliveries may go (`webhook_receiver`).

pub mod access;
pub mod account;
pub mod case;
pub mod case_code;
pub mod credentials;
pub mod email;
pub mod identity;
pub mod password;
pub mod recipe;
pub mod role;
pub mod scope;
pub mod webhook;
pub mod webhook_receiver;
pub mod webhook_signature;

pub use access::Access;
pub use account::{AccountChange, AccountRuleError, AccountState, DisplayName, Manager};
pub use case::{Arch, CaseStatus};
pub use case_code::{CaseCode, CaseCodeError};
pub use credentials::{PasswordHash, SecretToken, TokenHash};
pub use email::Email;
pub use identity::{AuthMethod, Identity};
pub use mesh_core::prepare::{RecipeField, RecipeProblem, check_recipe};
pub use password::Password;
pub use recipe::recipe_text;
pub use role::Role;
pub use scope::{Scope, Scopes};
pub use webhook::{WebhookEvent, WebhookEvents, WebhookUrl};
pub use webhook_receiver::{ReceiverError, ReceiverPolicy};
pub use webhook_signature::SigningSecret;
