//! The security findings of the hardening review, each proven over HTTP on
//! every backend: response headers, tokens that stop with their maker or
//! at their expiry and note their use at most once a minute, sign-in limits
//! that strangers cannot turn into a lock-out, client addresses only from
//! trusted proxies, account and access events in the audit log, client
//! addresses hidden from technicians, and webhook receivers kept off
//! internal addresses at creation and at delivery.

use reqwest::{Method, Response};
use serde_json::{Value, json};
use trayforge_server::domain::{SigningSecret, WebhookEvents, WebhookUrl};
use trayforge_server::storage::webhooks;
use trayforge_wire::{AuditEventView, ErrorBody, Page, WebhookView};
use uuid::Uuid;

use crate::people::{
    PASSWORD, Session, as_session, as_token, create_token, create_user, login, login_response, seed_owner, spawn,
};
use crate::support::{TestApp, TestDatabase, connect, spawn_app_with, test_databases, wait_for};

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response.headers().get(name).map_or("", |value| value.to_str().unwrap_or(""))
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let api = as_session(&app, &owner, Method::GET, "/api/v1/cases", false).send().await.unwrap();
        let page = app.get("/cases").await;
        let docs = app.get("/api/docs/").await;
        let unknown = app.get("/api/v2/anything").await;
        for (what, response) in [("API", &api), ("page", &page), ("docs", &docs), ("API 404", &unknown)] {
            assert_eq!(header(response, "x-content-type-options"), "nosniff", "{what}");
            assert_eq!(header(response, "x-frame-options"), "DENY", "{what}");
            assert_eq!(header(response, "referrer-policy"), "same-origin", "{what}");
            assert!(header(response, "content-security-policy").contains("frame-ancestors 'none'"), "{what}");
            // Plain HTTP, secure cookies off: no HSTS.
            assert_eq!(header(response, "strict-transport-security"), "", "{what}");
        }
        assert_eq!(header(&api, "cache-control"), "no-store");
        assert!(header(&api, "content-security-policy").starts_with("default-src 'none'"));
        let app_policy = header(&page, "content-security-policy");
        assert!(app_policy.contains("script-src 'self' 'wasm-unsafe-eval'"), "{app_policy}");
        assert!(!app_policy.contains("'unsafe-eval'") || app_policy.contains("'wasm-unsafe-eval'"));
        assert!(header(&docs, "content-security-policy").contains("script-src 'self'"));
    }
    let secure = spawn_app_with(None, |settings| settings.server.secure_cookies = true).await;
    assert_eq!(header(&secure.get("/healthz").await, "strict-transport-security"), "max-age=31536000");
}

#[tokio::test]
async fn the_page_allows_exactly_its_own_inline_scripts() {
    let mut dist = None;
    let app = spawn_app_with(None, |settings| dist = Some(settings.server.dist_dir.clone())).await;
    // What Trunk writes is read again on every load: a rebuild needs no restart.
    let html = "<!doctype html><script type=\"module\">start();</script><script src=\"/a.js\"></script>";
    std::fs::write(dist.unwrap().join("index.html"), html).unwrap();
    let policy = header(&app.get("/cases/123").await, "content-security-policy").to_owned();
    use sha2::Digest;
    let digest = sha2::Sha256::digest(b"start();");
    let expected = base64_of(&digest);
    assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
    assert_eq!(policy.matches("'sha256-").count(), 1, "{policy}");
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn patch_user(app: &TestApp, session: &Session, user_id: &str, body: Value) -> Response {
    as_session(app, session, Method::PATCH, &format!("/api/v1/users/{user_id}"), true).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn a_token_stops_while_its_maker_is_disabled_and_says_so_in_the_list() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let admin: Value = create_user(&app, &owner, "ana@smile.example", "admin").await.json().await.unwrap();
        let admin_id = admin["id"].as_str().unwrap().to_owned();
        let ana = login(&app, "ana@smile.example").await;
        let secret = create_token(&app, &ana, &["read", "write"]).await["secret"].as_str().unwrap().to_owned();
        assert_eq!(as_token(&app, &secret, Method::GET, "/api/v1/cases").send().await.unwrap().status(), 200);

        assert_eq!(patch_user(&app, &owner, &admin_id, json!({ "disabled": true })).await.status(), 200);
        let refused = as_token(&app, &secret, Method::GET, "/api/v1/cases").send().await.unwrap();
        assert_eq!(refused.status(), 401);
        let listed: Value =
            as_session(&app, &owner, Method::GET, "/api/v1/tokens", false).send().await.unwrap().json().await.unwrap();
        let token = &listed["items"][0];
        assert_eq!((token["creator_disabled"].as_bool(), token["created_by_name"].as_str()), (Some(true), Some("ana")));

        // Enabled again, the token works again (it was never revoked).
        assert_eq!(patch_user(&app, &owner, &admin_id, json!({ "disabled": false })).await.status(), 200);
        assert_eq!(as_token(&app, &secret, Method::GET, "/api/v1/cases").send().await.unwrap().status(), 200);
    }
}

#[tokio::test]
async fn a_token_may_expire_and_notes_its_use_at_most_once_a_minute() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let create = |expires_at: &str| {
            as_session(&app, &owner, Method::POST, "/api/v1/tokens", true)
                .json(&json!({ "name": "short-lived", "scopes": ["read"], "expires_at": expires_at }))
                .send()
        };
        let past = create("2020-01-01T00:00:00Z").await.unwrap();
        assert_eq!(past.status(), 422);
        assert_eq!(past.json::<ErrorBody>().await.unwrap().error.field.as_deref(), Some("expires_at"));
        assert_eq!(create("next tuesday").await.unwrap().status(), 422);
        let created: Value = create("2099-01-01T00:00:00Z").await.unwrap().json().await.unwrap();
        assert_eq!(created["token"]["expires_at"], "2099-01-01T00:00:00Z");
        let secret = created["secret"].as_str().unwrap();
        let id = created["token"]["id"].as_str().unwrap();

        let used_at = || async {
            let db = connect(&database).await;
            let used = last_used_at(&db, id).await;
            db.close().await;
            used
        };
        assert_eq!(as_token(&app, secret, Method::GET, "/api/v1/me").send().await.unwrap().status(), 200);
        let first = used_at().await.expect("the first use is noted");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(as_token(&app, secret, Method::GET, "/api/v1/me").send().await.unwrap().status(), 200);
        assert_eq!(used_at().await, Some(first), "a second use within the minute writes nothing");

        // Past its expiry (moved back here rather than waited for) it no longer works.
        let db = connect(&database).await;
        expire_now(&db, id).await;
        db.close().await;
        assert_eq!(as_token(&app, secret, Method::GET, "/api/v1/me").send().await.unwrap().status(), 401);
    }
}

async fn last_used_at(db: &trayforge_server::storage::Database, id: &str) -> Option<String> {
    use trayforge_server::storage::Database;
    let sql = "SELECT CAST(last_used_at AS TEXT) FROM api_tokens WHERE CAST(id AS TEXT) = $1";
    match db {
        Database::Sqlite(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await.unwrap(),
        Database::Postgres(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await.unwrap(),
    }
}

async fn expire_now(db: &trayforge_server::storage::Database, id: &str) {
    use trayforge_server::storage::Database;
    let past = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
    let sql = "UPDATE api_tokens SET expires_at = $1 WHERE CAST(id AS TEXT) = $2";
    let updated = match db {
        Database::Sqlite(pool) => sqlx::query(sql).bind(past).bind(id).execute(pool).await.unwrap().rows_affected(),
        Database::Postgres(pool) => sqlx::query(sql).bind(past).bind(id).execute(pool).await.unwrap().rows_affected(),
    };
    assert_eq!(updated, 1);
}

/// Sign-in through a trusted proxy on 127.0.0.1 that says the client is `client`.
async fn login_from(app: &TestApp, client: &str, email: &str, password: &str) -> Response {
    app.client
        .post(format!("{}/api/v1/auth/login", app.address))
        .header("x-forwarded-for", client)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn strangers_guessing_cannot_lock_the_real_user_out() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_app_with(Some(&database), |settings| {
            settings.server.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        })
        .await;
        for n in 0..10 {
            let guess = login_from(&app, &format!("198.51.100.{n}"), "owner@smile.example", "wrong guess 123").await;
            assert_eq!(guess.status(), 401);
        }
        // The guessers wait…
        let again = login_from(&app, "198.51.100.3", "owner@smile.example", "another guess 1").await;
        assert_eq!(again.status(), 429);
        assert!(again.headers().contains_key("retry-after"));
        // …the owner, elsewhere, signs in with the right password.
        assert_eq!(login_from(&app, "203.0.113.50", "owner@smile.example", PASSWORD).await.status(), 200);
        // Ten attempts a minute per address still hold, whatever account they try.
        for n in 0..10 {
            let email = format!("nobody{n}@smile.example");
            assert_eq!(login_from(&app, "192.0.2.1", &email, "wrong guess 123").await.status(), 401);
        }
        assert_eq!(login_from(&app, "192.0.2.1", "owner@smile.example", PASSWORD).await.status(), 429);
    }
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let database = &test_databases().await[0];
    seed_owner(database, "Smile Lab", "owner@smile.example").await;
    let app = spawn(database).await;
    // Each attempt claims another address; without a trusted proxy they are all 127.0.0.1.
    for n in 0..10 {
        let guess = login_from(&app, &format!("198.51.100.{n}"), "nobody@smile.example", "wrong guess 123").await;
        assert_eq!(guess.status(), 401);
    }
    assert_eq!(login_from(&app, "198.51.100.99", "owner@smile.example", PASSWORD).await.status(), 429);
}

async fn audit(app: &TestApp, owner: &Session) -> Vec<AuditEventView> {
    let response = as_session(app, owner, Method::GET, "/api/v1/audit?limit=100", false).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json::<Page<AuditEventView>>().await.unwrap().items
}

#[tokio::test]
async fn account_and_access_events_are_in_the_audit_log() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        assert_eq!(login_response(&app, "owner@smile.example", "not the password").await.status(), 401);
        let owner = login(&app, "owner@smile.example").await;
        let user: Value = create_user(&app, &owner, "ana@smile.example", "clinician").await.json().await.unwrap();
        let token = create_token(&app, &owner, &["read"]).await;
        let token_id = token["token"]["id"].as_str().unwrap();
        let revoke = as_session(&app, &owner, Method::DELETE, &format!("/api/v1/tokens/{token_id}"), true);
        assert_eq!(revoke.send().await.unwrap().status(), 204);
        let hook = as_session(&app, &owner, Method::POST, "/api/v1/webhooks", true)
            .json(&json!({ "url": "https://pms.example/hook", "events": ["case.created"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(hook.status(), 201);
        let hook: Value = hook.json().await.unwrap();
        let hook_id = hook["webhook"]["id"].as_str().unwrap();
        let delete = as_session(&app, &owner, Method::DELETE, &format!("/api/v1/webhooks/{hook_id}"), true);
        assert_eq!(delete.send().await.unwrap().status(), 204);

        let events = audit(&app, &owner).await;
        let actions: Vec<&str> = events.iter().rev().map(|event| event.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "auth.sign_in_failed",
                "auth.sign_in",
                "user.create",
                "token.create",
                "token.revoke",
                "webhook.create",
                "webhook.delete"
            ]
        );
        let of = |action: &str| events.iter().find(|event| event.action == action).unwrap();
        let owner_id = owner.login.user.id.as_str();
        assert_eq!(of("auth.sign_in_failed").details["reason"], "wrong password");
        assert_eq!(of("auth.sign_in_failed").actor_user_id, None);
        assert_eq!(of("auth.sign_in_failed").subject_id, owner_id);
        assert_eq!(of("auth.sign_in").actor_user_id.as_deref(), Some(owner_id));
        assert_eq!(of("user.create").subject_id, user["id"].as_str().unwrap());
        assert_eq!(of("user.create").details["role"], "clinician");
        assert_eq!(of("token.revoke").subject_id, token_id);
        assert_eq!(of("webhook.create").details["url"], "https://pms.example/hook");
        assert!(events.iter().all(|event| event.source.as_deref() == Some("127.0.0.1")));
    }
}

#[tokio::test]
async fn technicians_do_not_see_where_colleagues_connected_from() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        assert_eq!(create_user(&app, &owner, "tom@smile.example", "technician").await.status(), 201);
        let tom = login(&app, "tom@smile.example").await;
        let case = as_session(&app, &owner, Method::POST, "/api/v1/cases", true).json(&json!({})).send().await.unwrap();
        let case_id = case.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let activity = |session: &Session| {
            as_session(&app, session, Method::GET, &format!("/api/v1/cases/{case_id}/activity"), false).send()
        };
        let seen_by_owner: Value = activity(&owner).await.unwrap().json().await.unwrap();
        assert_eq!(seen_by_owner["items"][0]["source"], "127.0.0.1");
        let seen_by_tom: Value = activity(&tom).await.unwrap().json().await.unwrap();
        assert_eq!(seen_by_tom["items"][0]["action"], "case.create");
        assert_eq!(seen_by_tom["items"][0].get("source"), None, "{seen_by_tom}");
    }
}

#[tokio::test]
async fn webhooks_to_internal_addresses_are_refused_unless_the_host_is_allowed() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let register = |url: &str| {
            as_session(&app, &owner, Method::POST, "/api/v1/webhooks", true)
                .json(&json!({ "url": url, "events": ["case.created"] }))
                .send()
        };
        for url in [
            "http://127.0.0.1:8080/hook",
            "http://localhost/hook",
            "http://2130706433/hook",
            "http://[::1]/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.7/hook",
            "http://192.168.1.20:9000/hook",
        ] {
            let refused = register(url).await.unwrap();
            assert_eq!(refused.status(), 422, "{url}");
            let body: ErrorBody = refused.json().await.unwrap();
            assert_eq!(body.error.field.as_deref(), Some("url"));
            assert!(body.error.message.contains("allow_internal_hosts"), "{}", body.error.message);
        }
        assert_eq!(register("https://pms.example/hook").await.unwrap().status(), 201);

        let on_premise = spawn_app_with(Some(&database), |settings| {
            settings.webhooks.allow_internal_hosts = vec!["192.168.1.20".to_owned()];
        })
        .await;
        let allowed = as_session(&on_premise, &owner, Method::POST, "/api/v1/webhooks", true)
            .json(&json!({ "url": "http://192.168.1.20:9000/hook", "events": ["case.created"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(allowed.status(), 201);
    }
}

/// A hook whose receiver became internal after it was registered (written
/// here straight into the database, as a name now pointing inside would be).
async fn hook_written_directly(database: &TestDatabase, clinic_id: Uuid, created_by: Uuid, url: &str) {
    let db = connect(database).await;
    let mut tx = db.begin_write().await.unwrap();
    let events = WebhookEvents::parse_names(["case.created"]).unwrap();
    let secret = SigningSecret::generate().unwrap();
    webhooks::create(&mut tx, clinic_id, created_by, &WebhookUrl::parse(url).unwrap(), events, &secret).await.unwrap();
    tx.commit().await.unwrap();
    db.close().await;
}

#[tokio::test]
async fn a_delivery_to_an_internal_address_is_not_sent() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        // Something listening inside, which must never be reached.
        let inside = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", inside.local_addr().unwrap());
        let app = spawn_app_with(Some(&database), |settings| {
            settings.jobs.poll_interval_ms = 20;
            settings.jobs.backoff_base_ms = 20;
            settings.jobs.webhook_max_attempts = 1;
        })
        .await;
        let owner = login(&app, "owner@smile.example").await;
        let clinic_id = owner.login.clinic.id.parse().unwrap();
        hook_written_directly(&database, clinic_id, owner.login.user.id.parse().unwrap(), &url).await;
        let case = as_session(&app, &owner, Method::POST, "/api/v1/cases", true).json(&json!({})).send().await.unwrap();
        assert_eq!(case.status(), 201);

        let failure = wait_for("the delivery's failure on the hook", || async {
            let hooks: Vec<WebhookView> = as_session(&app, &owner, Method::GET, "/api/v1/webhooks", false)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            hooks[0].last_failure.clone()
        })
        .await;
        assert!(
            failure.error.starts_with("not delivered: 127.0.0.1 is an address on this machine"),
            "{}",
            failure.error
        );
        let reached = tokio::time::timeout(std::time::Duration::from_millis(200), inside.accept()).await;
        assert!(reached.is_err(), "the internal receiver was connected to");
    }
}

#[tokio::test]
async fn text_with_the_nul_character_is_refused_alike_on_every_backend() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let body = json!({ "title": "Ana", "notes": "before\u{0}after" });
        let refused = as_session(&app, &owner, Method::POST, "/api/v1/cases", true).json(&body).send().await.unwrap();
        assert_eq!(refused.status(), 400);
        let message = refused.json::<ErrorBody>().await.unwrap().error.message;
        assert!(message.starts_with("notes: text may not hold the NUL character"), "{message}");
        let query = as_session(&app, &owner, Method::GET, "/api/v1/cases?q=a%00b", false).send().await.unwrap();
        assert_eq!(query.status(), 400);
    }
    let document: Value = spawn_app_with(None, |_| {}).await.get("/api/v1/openapi.json").await.json().await.unwrap();
    let notes = &document["components"]["schemas"]["NewCaseRequest"]["properties"]["notes"];
    assert_eq!(notes["pattern"], "^[^\\u0000]*$", "{notes}");
}
