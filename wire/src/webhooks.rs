//! Webhooks: what a clinic registers, what the API answers about them, and
//! the body every delivery POSTs to a receiver. Times are RFC 3339 in UTC.

use serde::{Deserialize, Serialize};

/// Every event a webhook can subscribe to, in the order the API lists them.
pub const WEBHOOK_EVENTS: [&str; 4] = ["case.created", "case.updated", "files.uploaded", "stage.updated"];

/// `POST /api/v1/webhooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhookRequest {
    /// An absolute `http://` or `https://` URL with a host and no user name
    /// or password, at most 2000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            format = "uri",
            max_length = 2000,
            pattern = "^[Hh][Tt][Tt][Pp][Ss]?://",
            example = "https://pms.example/trayforge"
        )
    )]
    pub url: String,
    /// One or more of [`WEBHOOK_EVENTS`]: `case.created`, `case.updated`, `files.uploaded`, `stage.updated`.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Vec<crate::names::WebhookEvent>, min_items = 1, example = json!(["case.created", "files.uploaded"]))
    )]
    pub events: Vec<String>,
}

/// A webhook as listed: never its signing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookView {
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub id: String,
    pub url: String,
    /// In the order of [`WEBHOOK_EVENTS`].
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::names::WebhookEvent>))]
    pub events: Vec<String>,
    pub created_by: String,
    pub created_at: String,
    /// The latest attempt at a delivery to this URL; absent before the first.
    pub last_delivery: Option<DeliveryAttemptView>,
    /// The latest delivery given up on after its last attempt; absent if none was.
    pub last_failure: Option<DeliveryFailureView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryAttemptView {
    pub at: String,
    /// `delivered` (the receiver answered 2xx), `retrying` (it did not; the
    /// delivery will be tried again) or `failed` (that was the last attempt).
    pub outcome: String,
    /// What went wrong, for `retrying` and `failed`.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryFailureView {
    pub at: String,
    pub error: String,
}

/// The answer to `POST /api/v1/webhooks`: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    pub webhook: WebhookView,
    /// The HMAC-SHA256 key of `X-Trayforge-Signature`; it cannot be shown again.
    pub secret: String,
}

/// The JSON body of a delivery, the same bytes on every attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// The delivery's id, also sent as `X-Trayforge-Delivery`: the same on
    /// every retry, so a receiver can drop a delivery it has seen.
    pub id: String,
    /// One of [`WEBHOOK_EVENTS`], also sent as `X-Trayforge-Event`.
    pub event: String,
    /// When the event happened.
    pub created_at: String,
    /// What happened; its fields depend on the event.
    pub data: serde_json::Value,
}
