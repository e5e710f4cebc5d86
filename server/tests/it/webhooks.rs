//! Webhooks over HTTP on every backend: registering, listing, deleting,
//! who may; and deliveries to a real receiver on 127.0.0.1: signed, retried
//! with the same delivery id, given up after the last attempt, and never
//! sent for an event whose transaction rolled back.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{KeyInit, Mac};
use reqwest::{Method, Response};
use serde_json::json;
use sha2::Sha256;
use tokio::sync::mpsc;
use trayforge_server::domain::{SigningSecret, WebhookEvent, WebhookEvents, WebhookUrl};
use trayforge_server::storage::jobs::{self, JobStatus};
use trayforge_server::storage::{Database, webhooks};
use trayforge_wire::{CreatedWebhook, ErrorBody, WebhookDelivery, WebhookView};
use uuid::Uuid;

use crate::jobs::{clinic, migrated};
use crate::people::{Session, as_session, as_token, create_token, create_user, error_code, login, seed_owner};
use crate::support::{TestApp, TestDatabase, connect, spawn_app_with, test_databases, wait_for};

/// An application whose workers poll and retry within milliseconds.
async fn spawn_fast(database: &TestDatabase, webhook_max_attempts: u32) -> TestApp {
    spawn_app_with(Some(database), |settings| {
        settings.jobs.poll_interval_ms = 20;
        settings.jobs.backoff_base_ms = 20;
        settings.jobs.backoff_max_secs = 1;
        settings.jobs.webhook_max_attempts = webhook_max_attempts;
        // The receivers here are on this machine, as an on-premise one would be.
        settings.webhooks.allow_internal_hosts = vec!["127.0.0.1".to_owned()];
    })
    .await
}

async fn register(app: &TestApp, session: &Session, url: &str, events: &[&str]) -> Response {
    as_session(app, session, Method::POST, "/api/v1/webhooks", true)
        .json(&json!({ "url": url, "events": events }))
        .send()
        .await
        .unwrap()
}

async fn registered(app: &TestApp, session: &Session, url: &str, events: &[&str]) -> CreatedWebhook {
    let response = register(app, session, url, events).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn hooks(app: &TestApp, session: &Session) -> Vec<WebhookView> {
    let response = as_session(app, session, Method::GET, "/api/v1/webhooks", false).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn clinic_id(session: &Session) -> Uuid {
    session.login.clinic.id.parse().unwrap()
}

/// One POST as the receiver got it.
struct Received {
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap_or_else(|| panic!("no {name} header")).to_str().unwrap()
    }

    fn delivery(&self) -> WebhookDelivery {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook receiver on 127.0.0.1: answers each POST with the next of
/// `answers`, then 200, and hands every request to the test.
struct Receiver {
    url: String,
    requests: mpsc::UnboundedReceiver<Received>,
}

#[derive(Clone)]
struct ReceiverState {
    answers: Arc<Mutex<VecDeque<StatusCode>>>,
    requests: mpsc::UnboundedSender<Received>,
}

async fn receive(State(state): State<ReceiverState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let answer = state.answers.lock().unwrap().pop_front().unwrap_or(StatusCode::OK);
    let _ = state.requests.send(Received { headers, body });
    answer
}

async fn receiver(answers: &[StatusCode]) -> Receiver {
    let (sender, requests) = mpsc::unbounded_channel();
    let state = ReceiverState { answers: Arc::new(Mutex::new(answers.iter().copied().collect())), requests: sender };
    let router = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    Receiver { url, requests }
}

impl Receiver {
    async fn next(&mut self) -> Received {
        let next = tokio::time::timeout(std::time::Duration::from_secs(30), self.requests.recv()).await;
        next.expect("a delivery within 30 s").expect("the receiver is running")
    }
}

/// `sha256=<hex>` computed here, independently of the server's code.
fn expected_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

/// The hook as listed, once `ready` says its latest delivery is what the test waits for.
async fn hook_when(
    app: &TestApp,
    session: &Session,
    id: &str,
    what: &str,
    ready: impl Fn(&WebhookView) -> bool,
) -> WebhookView {
    wait_for(what, || async {
        hooks(app, session).await.into_iter().find(|hook| hook.id == id).filter(|hook| ready(hook))
    })
    .await
}

fn outcome(hook: &WebhookView) -> Option<&str> {
    hook.last_delivery.as_ref().map(|delivery| delivery.outcome.as_str())
}

#[tokio::test]
async fn owners_register_list_and_delete_hooks_and_see_the_secret_once() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_app_with(Some(&database), |_| {}).await;
        let owner = login(&app, "owner@smile.example").await;

        let created =
            registered(&app, &owner, " https://pms.example/trayforge ", &["stage.updated", "case.created"]).await;
        assert_eq!(created.secret.len(), 43);
        let hook = &created.webhook;
        assert_eq!(hook.url, "https://pms.example/trayforge");
        assert_eq!(hook.events, ["case.created", "stage.updated"], "in the fixed order, each once");
        assert_eq!(hook.created_by, owner.login.user.id);
        assert_eq!((&hook.last_delivery, &hook.last_failure), (&None, &None));

        let listed = as_session(&app, &owner, Method::GET, "/api/v1/webhooks", false).send().await.unwrap();
        let listed = listed.text().await.unwrap();
        assert!(!listed.contains(&created.secret) && !listed.contains("secret"), "{listed}");
        let listed: Vec<WebhookView> = serde_json::from_str(&listed).unwrap();
        assert_eq!(listed, std::slice::from_ref(&created.webhook));

        let path = format!("/api/v1/webhooks/{}", hook.id);
        assert_eq!(as_session(&app, &owner, Method::DELETE, &path, true).send().await.unwrap().status(), 204);
        assert_eq!(hooks(&app, &owner).await, []);
        let again = as_session(&app, &owner, Method::DELETE, &path, true).send().await.unwrap();
        assert_eq!(again.status(), 404);
    }
}

#[tokio::test]
async fn hook_urls_and_events_are_checked_with_messages_that_say_what_to_send() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_app_with(Some(&database), |_| {}).await;
        let owner = login(&app, "owner@smile.example").await;
        let cases: [(&str, &[&str], &str, &str); 6] = [
            ("ftp://pms.example/in", &["case.created"], "url", "starts with http:// or https://"),
            ("/hooks/in", &["case.created"], "url", "is not an absolute URL"),
            ("", &["case.created"], "url", "give the URL"),
            ("https://lab:pw@pms.example/in", &["case.created"], "url", "no user name or password"),
            (
                "https://pms.example/in",
                &["case.created", "case.deleted"],
                "events",
                "`case.deleted` is not a webhook event; use case.created, case.updated, files.uploaded or stage.updated",
            ),
            ("https://pms.example/in", &[], "events", "at least one event"),
        ];
        for (url, events, field, message) in cases {
            let response = register(&app, &owner, url, events).await;
            assert_eq!(response.status(), 422, "{url} {events:?}");
            let error: ErrorBody = response.json().await.unwrap();
            assert_eq!((error.error.code.as_str(), error.error.field.as_deref()), ("validation_failed", Some(field)));
            assert!(error.error.message.contains(message), "{url} {events:?}: {}", error.error.message);
        }
        let not_json = as_session(&app, &owner, Method::POST, "/api/v1/webhooks", true)
            .header("content-type", "application/json")
            .body(r#"{"url": "https://pms.example/in"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(not_json.status(), 400, "events missing");
        assert_eq!(hooks(&app, &owner).await, []);
    }
}

#[tokio::test]
async fn only_signed_in_owners_and_admins_manage_their_own_clinics_hooks() {
    for database in test_databases().await {
        seed_owner(&database, "Clinic A", "owner@a.example").await;
        seed_owner(&database, "Clinic B", "owner@b.example").await;
        let app = spawn_app_with(Some(&database), |_| {}).await;
        let (a, b) = (login(&app, "owner@a.example").await, login(&app, "owner@b.example").await);
        assert_eq!(create_user(&app, &a, "ana@a.example", "clinician").await.status(), 201);
        assert_eq!(create_user(&app, &a, "ben@a.example", "admin").await.status(), 201);
        let (clinician, admin) = (login(&app, "ana@a.example").await, login(&app, "ben@a.example").await);

        let anonymous = app.client.get(format!("{}/api/v1/webhooks", app.address)).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
        assert_eq!(error_code(anonymous).await, "unauthenticated");
        let refused = register(&app, &clinician, "https://pms.example/in", &["case.created"]).await;
        assert_eq!(refused.status(), 403);
        assert_eq!(error_code(refused).await, "forbidden");
        let listed = as_session(&app, &clinician, Method::GET, "/api/v1/webhooks", false).send().await.unwrap();
        assert_eq!(listed.status(), 403);
        let secret =
            create_token(&app, &a, &["read", "write", "production"]).await["secret"].as_str().unwrap().to_owned();
        let by_token = as_token(&app, &secret, Method::POST, "/api/v1/webhooks")
            .json(&json!({ "url": "https://pms.example/in", "events": ["case.created"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(by_token.status(), 403);
        assert_eq!(as_token(&app, &secret, Method::GET, "/api/v1/webhooks").send().await.unwrap().status(), 403);

        let a_hook = registered(&app, &admin, "https://pms.a.example/in", &["case.created"]).await.webhook;
        assert_eq!(hooks(&app, &b).await, [], "clinic B sees none of A's hooks");
        // Another clinic's hook, one that does not exist and a malformed id look the same.
        let theirs = format!("/api/v1/webhooks/{}", a_hook.id);
        let nobodys = format!("/api/v1/webhooks/{}", Uuid::new_v4());
        let mut answers = Vec::new();
        for path in [theirs.as_str(), nobodys.as_str(), "/api/v1/webhooks/not-an-id"] {
            let response = as_session(&app, &b, Method::DELETE, path, true).send().await.unwrap();
            assert_eq!(response.status(), 404, "{path}");
            answers.push(response.json::<ErrorBody>().await.unwrap());
        }
        assert!(answers.windows(2).all(|pair| pair[0] == pair[1]), "{answers:?}");
        let by_clinician = as_session(&app, &clinician, Method::DELETE, &theirs, true).send().await.unwrap();
        assert_eq!(by_clinician.status(), 403);
        assert_eq!(hooks(&app, &a).await, [a_hook], "still there");
    }
}

#[tokio::test]
async fn a_delivery_is_signed_with_the_hooks_secret_and_carries_the_event() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_fast(&database, 8).await;
        let owner = login(&app, "owner@smile.example").await;
        let mut cases_receiver = receiver(&[]).await;
        let files_receiver = receiver(&[]).await;
        let hook = registered(&app, &owner, &cases_receiver.url, &["case.created", "case.updated"]).await;
        registered(&app, &owner, &files_receiver.url, &["files.uploaded"]).await;

        let db = connect(&database).await;
        let data = json!({ "case": { "id": "c-17", "code": "SMILE-0017", "patient_ref": "P-204" } });
        let published =
            webhooks::publish(&db, clinic_id(&owner), WebhookEvent::CaseCreated, data.clone()).await.unwrap();
        assert_eq!(published.len(), 1, "only the hook subscribed to case.created");

        let got = cases_receiver.next().await;
        let delivery = got.delivery();
        assert_eq!(delivery.id, published[0].to_string());
        assert_eq!((delivery.event.as_str(), &delivery.data), ("case.created", &data));
        let created_at =
            time::OffsetDateTime::parse(&delivery.created_at, &time::format_description::well_known::Rfc3339);
        assert!(created_at.is_ok(), "{}", delivery.created_at);
        assert_eq!(got.header("content-type"), "application/json");
        assert_eq!(got.header("x-trayforge-event"), "case.created");
        assert_eq!(got.header("x-trayforge-delivery"), delivery.id);
        let timestamp = got.header("x-trayforge-timestamp");
        let sent_at: i64 = timestamp.parse().unwrap();
        assert!((time::OffsetDateTime::now_utc().unix_timestamp() - sent_at).abs() < 60, "{sent_at}");
        assert_eq!(got.header("x-trayforge-signature"), expected_signature(&hook.secret, timestamp, &got.body));
        assert_ne!(
            got.header("x-trayforge-signature"),
            expected_signature("another secret", timestamp, &got.body),
            "the signature depends on the secret"
        );

        let listed = hook_when(&app, &owner, &hook.webhook.id, "the delivery to be noted on its hook", |hook| {
            outcome(hook) == Some("delivered")
        })
        .await;
        assert_eq!(listed.last_delivery.unwrap().error, None);
        assert_eq!(listed.last_failure, None);
        let job = jobs::get(&db, clinic_id(&owner), published[0]).await.unwrap().unwrap();
        assert_eq!((job.kind.as_str(), job.attempts), (webhooks::DELIVERY_JOB, 1));
    }
}

#[tokio::test]
async fn a_failing_receiver_gets_the_same_delivery_again_until_it_answers_2xx() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_fast(&database, 8).await;
        let owner = login(&app, "owner@smile.example").await;
        let failing = [StatusCode::INTERNAL_SERVER_ERROR, StatusCode::INTERNAL_SERVER_ERROR];
        let mut receiver = receiver(&failing).await;
        let hook = registered(&app, &owner, &receiver.url, &["files.uploaded"]).await;
        let db = connect(&database).await;
        let data = json!({ "case_id": "c-17", "files": ["upper_01.stl", "lower_01.stl"] });
        let published = webhooks::publish(&db, clinic_id(&owner), WebhookEvent::FilesUploaded, data).await.unwrap();

        let attempts = [receiver.next().await, receiver.next().await, receiver.next().await];
        for got in &attempts {
            assert_eq!(got.header("x-trayforge-delivery"), published[0].to_string());
            assert_eq!(got.body, attempts[0].body, "the same bytes every time");
            let timestamp = got.header("x-trayforge-timestamp");
            assert_eq!(got.header("x-trayforge-signature"), expected_signature(&hook.secret, timestamp, &got.body));
        }

        let clinic = clinic_id(&owner);
        let done = wait_for("the delivery's job to be done", || async {
            jobs::get(&db, clinic, published[0]).await.unwrap().filter(|job| job.status == JobStatus::Done)
        })
        .await;
        assert_eq!(done.attempts, 3);
        let error = done.last_error.unwrap();
        assert!(error.contains("500 Internal Server Error"), "{error}");
        let listed = hook_when(&app, &owner, &hook.webhook.id, "the hook to show the delivery", |hook| {
            outcome(hook) == Some("delivered")
        })
        .await;
        assert_eq!(listed.last_failure, None, "retried, never given up");
    }
}

#[tokio::test]
async fn a_delivery_that_never_succeeds_is_given_up_after_its_last_attempt_and_its_hook_shows_why() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_fast(&database, 2).await;
        let owner = login(&app, "owner@smile.example").await;
        let unavailable = [StatusCode::SERVICE_UNAVAILABLE; 5];
        let mut down = receiver(&unavailable).await;
        let down_hook = registered(&app, &owner, &down.url, &["stage.updated"]).await.webhook;
        // A port nobody listens on: bound, then let go.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        let gone_hook = registered(&app, &owner, &format!("http://{closed}/hook"), &["stage.updated"]).await.webhook;
        let db = connect(&database).await;
        let data = json!({ "case_id": "c-17", "stage": 3, "state": "printed" });
        let published = webhooks::publish(&db, clinic_id(&owner), WebhookEvent::StageUpdated, data).await.unwrap();
        assert_eq!(published.len(), 2);

        let (first, second) = (down.next().await, down.next().await);
        assert_eq!(first.header("x-trayforge-delivery"), second.header("x-trayforge-delivery"));
        let clinic = clinic_id(&owner);
        for delivery in &published {
            let failed = wait_for("the delivery to fail for good", || async {
                jobs::get(&db, clinic, *delivery).await.unwrap().filter(|job| job.status == JobStatus::Failed)
            })
            .await;
            assert_eq!(failed.attempts, 2, "{failed:?}");
            assert!(failed.last_error.unwrap().starts_with("gave up after 2 attempts; the last failed: "));
        }

        let down_listed = hook_when(&app, &owner, &down_hook.id, "the hook to show the failure", |hook| {
            outcome(hook) == Some("failed")
        })
        .await;
        let failure = down_listed.last_failure.expect("the failure is kept");
        assert!(failure.error.contains("503 Service Unavailable"), "{}", failure.error);
        assert_eq!(down_listed.last_delivery.unwrap().error.as_deref(), Some(failure.error.as_str()));
        let gone_listed = hook_when(&app, &owner, &gone_hook.id, "the unreachable hook to show the failure", |hook| {
            outcome(hook) == Some("failed")
        })
        .await;
        let error = gone_listed.last_failure.expect("the failure is kept").error;
        assert!(error.contains("error sending request") && error.to_lowercase().contains("refused"), "{error}");
    }
}

#[tokio::test]
async fn a_clinic_has_at_most_twenty_hooks() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_app_with(Some(&database), |_| {}).await;
        let owner = login(&app, "owner@smile.example").await;
        for n in 0..webhooks::MAX_WEBHOOKS_PER_CLINIC {
            registered(&app, &owner, &format!("https://pms.example/in/{n}"), &["case.created"]).await;
        }
        let refused = register(&app, &owner, "https://pms.example/in/more", &["case.created"]).await;
        assert_eq!(refused.status(), 409);
        let error: ErrorBody = refused.json().await.unwrap();
        assert_eq!(error.error.code, "too_many_webhooks");
        assert!(error.error.message.contains("delete one it no longer needs"), "{}", error.error.message);
    }
}

#[tokio::test]
async fn a_delivery_queued_for_a_hook_deleted_since_is_dropped_unsent() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, owner) = clinic(&db, "Smile Lab").await;
        let mut receiver = receiver(&[]).await;
        let url = WebhookUrl::parse(&receiver.url).unwrap();
        let events = WebhookEvents::parse_names(["case.updated"]).unwrap();
        let mut tx = db.begin_write().await.unwrap();
        let hook =
            webhooks::create(&mut tx, clinic, owner, &url, events, &SigningSecret::generate().unwrap()).await.unwrap();
        tx.commit().await.unwrap();
        let data = json!({ "case": "c-17" });
        let published = webhooks::publish(&db, clinic, WebhookEvent::CaseUpdated, data).await.unwrap();
        let mut tx = db.begin_write().await.unwrap();
        assert!(webhooks::delete(&mut tx, clinic, hook.id).await.unwrap().is_some());
        tx.commit().await.unwrap();

        let _app = spawn_fast(&database, 8).await;
        let done = wait_for("the dropped delivery's job to be done", || async {
            jobs::get(&db, clinic, published[0]).await.unwrap().filter(|job| job.status == JobStatus::Done)
        })
        .await;
        assert_eq!(done.attempts, 1);
        assert!(receiver.requests.try_recv().is_err(), "nothing was sent");
    }
}

#[tokio::test]
async fn an_event_published_in_a_rolled_back_transaction_is_never_delivered() {
    for database in test_databases().await {
        let db = migrated(&database).await;
        let (clinic, owner) = clinic(&db, "Smile Lab").await;
        let url = WebhookUrl::parse("https://pms.example/in").unwrap();
        let events = WebhookEvents::parse_names(["case.created"]).unwrap();
        let secret = SigningSecret::generate().unwrap();
        let mut tx = db.begin_write().await.unwrap();
        webhooks::create(&mut tx, clinic, owner, &url, events, &secret).await.unwrap();
        tx.commit().await.unwrap();

        let rolled_back = publish_in_transaction(&db, clinic, false).await;
        assert_eq!(rolled_back.len(), 1, "enqueued inside the transaction");
        let committed = publish_in_transaction(&db, clinic, true).await;
        let listed: Vec<Uuid> = jobs::list(&db, clinic, 10).await.unwrap().iter().map(|job| job.id).collect();
        assert_eq!(listed, committed, "{}: only the committed event's delivery exists", db.backend_name());
        let job = jobs::get(&db, clinic, committed[0]).await.unwrap().unwrap();
        assert_eq!(job.payload["body"]["data"], json!({ "case": "c-17" }));
    }
}

/// What a case handler does: its change and the event in one transaction.
async fn publish_in_transaction(db: &Database, clinic: Uuid, commit: bool) -> Vec<Uuid> {
    let mut tx = db.begin_write().await.unwrap();
    let data = json!({ "case": "c-17" });
    let published = webhooks::publish(&mut tx, clinic, WebhookEvent::CaseCreated, data).await.unwrap();
    if commit {
        tx.commit().await.unwrap();
    } // else dropped: rolled back, as when the handler fails after publishing
    published
}

#[tokio::test]
async fn creating_changing_and_uploading_through_the_api_publish_their_events() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_fast(&database, 8).await;
        let owner = login(&app, "owner@smile.example").await;
        let mut got = receiver(&[]).await;
        registered(&app, &owner, &got.url, &["case.created", "case.updated", "files.uploaded"]).await;

        let created = as_session(&app, &owner, Method::POST, "/api/v1/cases", true)
            .json(&json!({ "patient": { "full_name": "Ada Lovelace" }, "title": "Crowding" }))
            .send()
            .await
            .unwrap();
        let case: trayforge_wire::CaseDetail = created.json().await.unwrap();
        let id = &case.case.id;
        let delivery = got.next().await.delivery();
        assert_eq!(delivery.event, "case.created");
        assert_eq!(delivery.data["case_id"], json!(id));
        assert_eq!(delivery.data["patient_code"], json!(case.case.patient.code));
        assert!(!delivery.data.to_string().contains("Lovelace"), "patient names never leave: {}", delivery.data);

        let cube = std::fs::read(crate::support::corpus("synthetic/cube_binary.stl")).unwrap();
        let path = format!("/api/v1/cases/{id}/stages/upper/3/models?file_name=U03.stl");
        let uploaded = as_session(&app, &owner, Method::POST, &path, true).body(cube).send().await.unwrap();
        assert_eq!(uploaded.status(), 201);
        let delivery = got.next().await.delivery();
        assert_eq!(delivery.event, "files.uploaded");
        assert_eq!(delivery.data["stage"], json!({ "arch": "upper", "index": 3 }));
        assert_eq!(delivery.data["file"]["file_name"], "U03.stl");
        assert_eq!(delivery.data["file"]["report"]["triangles"], 12);

        let changed = as_session(&app, &owner, Method::PATCH, &format!("/api/v1/cases/{id}"), true)
            .json(&json!({ "status": "models_ready" }))
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), 200);
        let delivery = got.next().await.delivery();
        assert_eq!((delivery.event.as_str(), &delivery.data["changed"]), ("case.updated", &json!(["status"])));
    }
}
