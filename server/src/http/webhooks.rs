//! The clinic's webhooks: owners and admins register a URL for events (the
//! signing secret is answered once), list them with how their latest
//! deliveries went (never the secret), and delete them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use trayforge_wire::{CreatedWebhook, DeliveryAttemptView, DeliveryFailureView, NewWebhookRequest, WebhookView};

use super::access::{path_id, require};
use super::extract::{ClientAddress, JsonBody};
use super::openapi::{BadRequest, Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed};
use super::users::rfc3339;
use super::{ApiError, AppState};
use crate::domain::{Access, Identity, ReceiverError, ReceiverPolicy, SigningSecret, WebhookEvents, WebhookUrl};
use crate::storage::audit::{self, Actor, Entry};
use crate::storage::webhooks::{self, Webhook, WebhookError};

/// Register a URL to be told of events.
///
/// Each delivery is a signed POST (`X-Trayforge-Signature`, HMAC-SHA256
/// with the secret answered here, once), retried with backoff until the
/// receiver answers 2xx. At most 20 webhooks per clinic (409). Receivers
/// on this machine, a private network or a cloud's metadata address are
/// refused (422), unless the deployment allows the host; deliveries check
/// the address again after resolving the name.
#[utoipa::path(
    post, path = "/webhooks", tag = "webhooks", operation_id = "create_webhook",
    request_body = NewWebhookRequest,
    security(("session_cookie" = ["owner", "admin"], "csrf_token" = [])),
    responses(
        (status = 201, description = "The webhook, and its signing secret: the only time it is shown.", body = CreatedWebhook),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = ValidationFailed),
    ),
)]
pub(super) async fn create(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    JsonBody(request): JsonBody<NewWebhookRequest>,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    require(&identity, Access::ManageWebhooks)?;
    let url = WebhookUrl::parse(&request.url).map_err(|e| ApiError::validation("url", e))?;
    check_receiver(&state.receivers, &url).await?;
    let events = WebhookEvents::parse_names(request.events.iter().map(String::as_str))
        .map_err(|e| ApiError::validation("events", e))?;
    let created_by = identity.user_id.ok_or_else(|| ApiError::forbidden("a token cannot manage webhooks"))?;
    let secret = SigningSecret::generate().map_err(|e| ApiError::Internal(e.into()))?;
    // The clinic is the creator's: never one named by the request.
    let mut tx = state.db.begin_write().await?;
    let hook =
        webhooks::create(&mut tx, identity.clinic_id, created_by, &url, events, &secret).await.map_err(
            |e| match e {
                WebhookError::TooMany => {
                    ApiError::Conflict { code: "too_many_webhooks", message: e.to_string(), field: None }
                }
                WebhookError::Database(e) => e.into(),
            },
        )?;
    let entry = Entry::webhook("webhook.create", hook.id).with("url", url.as_str()).with("events", events.to_string());
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    tx.commit().await?;
    tracing::info!(webhook = %hook.id, clinic = %hook.clinic_id, events = %hook.events, "webhook registered");
    let created = CreatedWebhook { webhook: webhook_view(&hook), secret: secret.expose().to_owned() };
    Ok((StatusCode::CREATED, Json(created)))
}

/// The clinic's webhooks and how their latest deliveries went, never their secrets.
#[utoipa::path(
    get, path = "/webhooks", tag = "webhooks", operation_id = "list_webhooks",
    security(("session_cookie" = ["owner", "admin"])),
    responses(
        (status = 200, description = "Every webhook of the clinic.", body = Vec<WebhookView>),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    ),
)]
pub(super) async fn list(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<Json<Vec<WebhookView>>, ApiError> {
    require(&identity, Access::ManageWebhooks)?;
    let hooks = webhooks::list(&state.db, identity.clinic_id).await?;
    Ok(Json(hooks.iter().map(webhook_view).collect()))
}

/// Delete a webhook: nothing more is delivered to it.
///
/// 404 for an id that is not a hook of the caller's clinic, whether or not
/// another clinic has it.
#[utoipa::path(
    delete, path = "/webhooks/{id}", tag = "webhooks", operation_id = "delete_webhook",
    params(("id" = String, Path, format = "uuid", description = "The webhook's id (a UUID).")),
    security(("session_cookie" = ["owner", "admin"], "csrf_token" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
)]
pub(super) async fn delete(
    State(state): State<AppState>,
    identity: Identity,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require(&identity, Access::ManageWebhooks)?;
    let id = path_id(&id)?;
    let mut tx = state.db.begin_write().await?;
    let url = webhooks::delete(&mut tx, identity.clinic_id, id).await?.ok_or(ApiError::NotFound)?;
    let entry = Entry::webhook("webhook.delete", id).with("url", url);
    audit::record(&mut tx, &Actor { identity: &identity, source: &source }, entry).await?;
    tx.commit().await?;
    tracing::info!(webhook = %id, clinic = %identity.clinic_id, "webhook deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Refuses a receiver inside: an internal address in the URL, or a name
/// that resolves to one now. A name that does not resolve yet is accepted
/// (the receiver may not be set up): deliveries check it again.
async fn check_receiver(policy: &ReceiverPolicy, url: &WebhookUrl) -> Result<(), ApiError> {
    policy.check_url(url).map_err(|e| ApiError::validation("url", e))?;
    let parsed = url::Url::parse(url.as_str()).map_err(|e| ApiError::validation("url", e))?;
    if let (Some(url::Host::Domain(name)), Some(port)) = (parsed.host(), parsed.port_or_known_default()) {
        match policy.resolve(name, port).await {
            Err(refused @ ReceiverError::Internal { .. }) => return Err(ApiError::validation("url", refused)),
            Err(ReceiverError::Unresolved { .. }) | Ok(_) => {}
        }
    }
    Ok(())
}

fn webhook_view(hook: &Webhook) -> WebhookView {
    let last_delivery = match (hook.last_delivery_at, &hook.last_delivery_outcome) {
        (Some(at), Some(outcome)) => Some(DeliveryAttemptView {
            at: rfc3339(at),
            outcome: outcome.clone(),
            error: hook.last_delivery_error.clone(),
        }),
        _ => None,
    };
    let last_failure = match (hook.last_failure_at, &hook.last_failure_error) {
        (Some(at), Some(error)) => Some(DeliveryFailureView { at: rfc3339(at), error: error.clone() }),
        _ => None,
    };
    WebhookView {
        id: hook.id.to_string(),
        url: hook.url.as_str().to_owned(),
        events: hook.events.names(),
        created_by: hook.created_by.to_string(),
        created_at: rfc3339(hook.created_at),
        last_delivery,
        last_failure,
    }
}
