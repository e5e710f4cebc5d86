//! The `webhook.deliver` job: POST a delivery's body to its hook's URL,
//! signed with the hook's secret (`domain/webhook_signature.rs`), and note
//! the outcome on the hook so that its clinic sees a broken receiver.
//!
//! A 2xx answer is success; any other answer, a redirect included (a
//! receiver gives its final URL), a timeout or a network error is a
//! failure worth another attempt. A delivery whose hook was deleted is
//! dropped: it succeeds without sending anything.
//!
//! Deliveries go only where `ReceiverPolicy` allows: a URL naming an
//! internal address fails before anything is sent, and the client's
//! resolver gives it only addresses that passed, so no name can lead it
//! inside (a refusal is the hook's last error, saying why).

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use time::OffsetDateTime;

use super::{Attempt, JobError};
use crate::domain::webhook_signature::{DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::domain::{ReceiverPolicy, WebhookUrl};
use crate::storage::Database;
use crate::storage::jobs::Job;
use crate::storage::webhooks::{self, DeliveryOutcome, DeliveryPayload};

/// The longest a receiver may take to answer, connection included.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// What deliveries need: the receivers' policy and an HTTP client that
/// keeps to it (shared by the workers of a process).
#[derive(Debug, Clone)]
pub struct Deliveries {
    http: reqwest::Client,
    policy: ReceiverPolicy,
}

impl Deliveries {
    /// The client: the timeout above, no redirects, no proxy from the
    /// environment, and names resolved by `policy`.
    pub fn new(policy: ReceiverPolicy) -> Result<Deliveries, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver(policy.clone())))
            .user_agent(concat!("Trayforge-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Deliveries { http, policy })
    }
}

/// Resolves a receiver's name to the addresses the policy lets it reach.
#[derive(Debug)]
struct GuardedResolver(ReceiverPolicy);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            // The port is the connector's to set; 0 here is replaced by it.
            let addresses = policy.resolve(name.as_str(), 0).await?;
            let addresses: reqwest::dns::Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}

pub(crate) async fn deliver(
    db: &Database,
    deliveries: &Deliveries,
    job: &Job,
    attempt: Attempt,
) -> Result<(), JobError> {
    let Deliveries { http, policy } = deliveries;
    let payload: DeliveryPayload = serde_json::from_value(job.payload.clone())
        .map_err(|e| JobError::Permanent(format!("the delivery's payload cannot be read: {e}")))?;
    let hook_id = payload.hook_id;
    let target = webhooks::signing_target(db, job.clinic_id, hook_id)
        .await
        .map_err(|e| JobError::Retry(format!("cannot read the webhook: {e}")))?;
    let Some((url, secret)) = target else {
        tracing::info!(delivery = %job.id, hook = %hook_id, "the webhook was deleted; its delivery is dropped");
        return Ok(());
    };
    let body = serde_json::to_vec(&payload.body)
        .map_err(|e| JobError::Permanent(format!("the delivery's body cannot be written: {e}")))?;
    let timestamp = OffsetDateTime::now_utc().unix_timestamp();
    // An address in the URL itself never reaches the resolver: checked here.
    let allowed = WebhookUrl::parse(&url)
        .map_err(|e| e.to_string())
        .and_then(|parsed| policy.check_url(&parsed).map_err(|e| format!("not delivered: {e}")));
    let sent = match allowed {
        Ok(()) => http
            .post(&url)
            .header(CONTENT_TYPE, "application/json")
            .header(EVENT_HEADER, &payload.body.event)
            .header(DELIVERY_HEADER, &payload.body.id)
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, secret.sign(timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(|error| describe(&error)),
        Err(refused) => Err(refused),
    };
    let failure = match sent {
        Ok(response) if response.status().is_success() => None,
        Ok(response) => Some(format!("the receiver answered {} instead of 2xx", response.status())),
        Err(error) => Some(error),
    };
    let outcome = match (&failure, attempt.is_last) {
        (None, _) => DeliveryOutcome::Delivered,
        (Some(_), false) => DeliveryOutcome::Retrying,
        (Some(_), true) => DeliveryOutcome::Failed,
    };
    if let Err(error) = webhooks::record_attempt(db, job.clinic_id, hook_id, outcome, failure.as_deref()).await {
        // The delivery itself is what matters; the hook's status catches up at the next one.
        tracing::warn!(delivery = %job.id, hook = %hook_id, %error, "cannot note the delivery's outcome on its hook");
    }
    match failure {
        None => Ok(()),
        Some(error) => Err(JobError::Retry(error)),
    }
}

/// A failed request in words, with its causes (reqwest's own message
/// leaves out the one that matters: refused, unknown host, bad certificate).
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("the receiver did not answer within {} s", DELIVERY_TIMEOUT.as_secs());
    }
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !message.contains(&cause_text) {
            message = format!("{message}: {cause_text}");
        }
        source = cause.source();
    }
    message
}
