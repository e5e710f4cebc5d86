//! `/admin/webhooks`: the clinic's webhooks with their events and how the
//! latest deliveries went (last delivery, last failure: when and why);
//! register a URL for events (its signing secret shown once, in a dialog
//! with a Copy button), delete one after a confirm step. The server's cap
//! (20 a clinic) is its own message. Owners and admins only: for anyone
//! else the server's 403 reason is the page.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use trayforge_wire::{CreatedWebhook, DeliveryAttemptView, NewWebhookRequest, WebhookView};

use crate::api::{ClientError, use_api};
use crate::components::{
    AccessRefused, AdminTabs, CheckboxGroup, Choice, ConfirmAction, Dialog, FieldState, FormErrors, FormField,
    SecretOnce, SubmitButton,
};
use crate::display::{human_date_time, sentence};
use crate::listing::{Listing, keep_loaded, row_action};

/// The events of `wire::WEBHOOK_EVENTS`, for people.
const EVENTS: [Choice; 4] = [
    Choice { value: "case.created", label: "Case created", hint: "A new case is made." },
    Choice { value: "case.updated", label: "Case updated", hint: "A case's status, schedule, title or notes change." },
    Choice { value: "files.uploaded", label: "Files uploaded", hint: "A model or photo is added to a case." },
    Choice { value: "stage.updated", label: "Stage updated", hint: "A stage of a case changes." },
];

/// "case.created" → "Case created"; an event this app does not know, as it came.
fn event_label(value: &str) -> &str {
    EVENTS.iter().find(|choice| choice.value == value).map_or(value, |choice| choice.label)
}

/// How the latest delivery went, in words.
fn delivery_text(delivery: &DeliveryAttemptView) -> String {
    let outcome = match delivery.outcome.as_str() {
        "delivered" => "Delivered",
        "retrying" => "Not delivered; will retry",
        "failed" => "Failed for good",
        other => other,
    };
    let mut text = format!("{outcome}, {}", human_date_time(&delivery.at));
    if let Some(error) = &delivery.error {
        text.push_str(": ");
        text.push_str(error);
    }
    text
}

#[component]
pub(crate) fn AdminWebhooksPage() -> impl IntoView {
    let api = use_api();
    let reloads = RwSignal::new(0_u32);
    let listing = RwSignal::new(Listing::<Vec<WebhookView>>::Loading);
    let created = RwSignal::new(None::<CreatedWebhook>);
    let created_open = RwSignal::new(false);

    keep_loaded(listing, reloads, move || api.webhooks());
    let reload = Callback::new(move |()| reloads.update(|n| *n += 1));
    let on_created = Callback::new(move |hook: CreatedWebhook| {
        created.set(Some(hook));
        created_open.set(true);
        reload.run(());
    });

    let refused = Memo::new(move |_| listing.with(Listing::refusal));
    view! {
        {move || match refused.get() {
            Some(message) => view! { <AccessRefused message=message /> }.into_any(),
            None => view! {
                <section class="page admin-page" data-testid="admin-webhooks">
                    <AdminTabs />
                    <h1>"Webhooks"</h1>
                    <p class="hint">
                        "Trayforge tells another system when something happens, with a signed POST to its URL, "
                        "retried until it answers 2xx."
                    </p>
                    <NewWebhook on_created=on_created />
                    <h2>"The clinic's webhooks"</h2>
                    {move || match listing.get() {
                        Listing::Loaded(hooks) if hooks.is_empty() => view! {
                            <p class="hint" data-testid="no-webhooks">"No webhooks yet. Add a receiver's URL above to be told when cases change."</p>
                        }
                        .into_any(),
                        Listing::Loaded(hooks) => view! {
                            <ul class="admin-list" data-testid="webhook-list">
                                {hooks.into_iter().map(|hook| view! { <WebhookRow hook=hook on_deleted=reload /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Listing::Failed(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                        _ => view! { <p class="hint" role="status">"Loading the webhooks…"</p> }.into_any(),
                    }}
                </section>
            }
            .into_any(),
        }}
        <Dialog open=created_open id="webhook-dialog" title="Webhook added">
            {move || created.get().map(|created| view! {
                <SecretOnce
                    label="Signing secret"
                    secret=created.secret
                    explanation=format!(
                        "Deliveries to {} carry X-Trayforge-Signature, an HMAC-SHA256 of the body with this key: give it to the receiver so it can check them.",
                        created.webhook.url,
                    )
                />
                <div class="form-actions">
                    <button type="button" class="primary" data-testid="close-dialog" on:click=move |_| created_open.set(false)>"Done"</button>
                </div>
            })}
        </Dialog>
    }
}

#[component]
fn NewWebhook(on_created: Callback<CreatedWebhook>) -> impl IntoView {
    let api = use_api();
    let url = FieldState::new("");
    let events = RwSignal::new(Vec::<&'static str>::new());
    let events_error = RwSignal::new(None::<String>);
    let errors = FormErrors { fields: [("url", url)], form: RwSignal::new(None) };
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        events_error.set(None);
        let request = NewWebhookRequest {
            url: url.value.get_untracked().trim().to_owned(),
            events: events.get_untracked().into_iter().map(str::to_owned).collect(),
        };
        busy.set(true);
        spawn_local(async move {
            match api.create_webhook(&request).await {
                Ok(created) => {
                    url.value.set(String::new());
                    events.set(Vec::new());
                    on_created.run(created);
                }
                Err(ClientError::SignedOut) => {}
                Err(error) if error.field() == Some("events") => events_error.set(Some(sentence(&error.to_string()))),
                Err(error) => errors.show(error.field(), sentence(&error.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="admin-form" on:submit=submit novalidate aria-busy=move || busy.get().to_string() data-testid="new-webhook">
            <h2>"Add a webhook"</h2>
            <FormField
                id="webhook_url"
                label="Receiver URL"
                kind="url"
                state=url
                placeholder="https://lab.example/trayforge"
                autocomplete="off"
            />
            <CheckboxGroup id="webhook-events" legend="Events" choices=EVENTS.to_vec() chosen=events error=events_error />
            {move || errors.form.get().map(|message| view! { <p class="form-error" role="alert" data-testid="webhook-form-error">{message}</p> })}
            <div class="form-actions">
                <SubmitButton busy=busy testid="create-webhook" label="Add webhook" busy_label="Adding…" />
            </div>
        </form>
    }
}

#[component]
fn WebhookRow(hook: WebhookView, on_deleted: Callback<()>) -> impl IntoView {
    let api = use_api();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let id = StoredValue::new(hook.id.clone());
    let delete = row_action(
        busy,
        problem,
        move || {
            let id = id.get_value();
            async move { api.delete_webhook(&id).await }
        },
        on_deleted,
    );
    let events: Vec<&str> = hook.events.iter().map(|event| event_label(event)).collect();
    let delivery = hook.last_delivery.as_ref().map_or_else(|| "Nothing delivered yet".to_owned(), delivery_text);
    let failure =
        hook.last_failure.as_ref().map(|failure| format!("{}: {}", human_date_time(&failure.at), failure.error));
    view! {
        <li class="admin-row" data-testid="webhook-row" data-url=hook.url.clone()>
            <div class="admin-row-main">
                <span class="admin-row-title url">{hook.url.clone()}</span>
                <span class="admin-row-sub" data-testid="webhook-events">{events.join(", ")}</span>
                <span class="admin-row-sub" data-testid="webhook-last-delivery">{format!("Last delivery: {delivery}")}</span>
                {failure.map(|text| view! { <span class="admin-row-sub problem" data-testid="webhook-last-failure">{format!("Last failure: {text}")}</span> })}
            </div>
            <div class="admin-row-actions">
                <ConfirmAction
                    label="Delete".to_owned()
                    question="Delete this webhook? Nothing more is sent to it.".to_owned()
                    confirm="Yes, delete".to_owned()
                    busy=busy
                    danger=true
                    testid="delete-webhook".to_owned()
                    on_confirm=delete
                />
            </div>
            {move || problem.get().map(|message| view! { <p class="row-problem" role="alert" data-testid="row-problem">{message}</p> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_the_server_offers_has_a_label() {
        let offered: Vec<&str> = EVENTS.iter().map(|choice| choice.value).collect();
        assert_eq!(offered, trayforge_wire::WEBHOOK_EVENTS);
        assert_eq!(event_label("files.uploaded"), "Files uploaded");
        assert_eq!(event_label("plate.printed"), "plate.printed");
    }

    #[test]
    fn a_delivery_says_how_it_went_when_and_why() {
        let retrying = DeliveryAttemptView {
            at: "2026-11-23T15:41:28Z".into(),
            outcome: "retrying".into(),
            error: Some("the receiver answered 503".into()),
        };
        assert_eq!(
            delivery_text(&retrying),
            "Not delivered; will retry, 23 Nov 2026, 15:41 UTC: the receiver answered 503"
        );
        let delivered =
            DeliveryAttemptView { at: "2026-11-23T15:41:28Z".into(), outcome: "delivered".into(), error: None };
        assert_eq!(delivery_text(&delivered), "Delivered, 23 Nov 2026, 15:41 UTC");
    }
}
