//! Signing in, sessions, CSRF, API tokens, users and tenant isolation,
//! over HTTP against the real application, on every available backend.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trayforge_server::admin_command;
use trayforge_server::storage::Database;
use trayforge_wire::{ErrorBody, LoginResponse};

use crate::people::{
    PASSWORD, as_session, as_token, create_token, create_user, error_code, login, login_response, seed_owner,
    set_cookies, spawn,
};
use crate::support::{TestDatabase, connect, spawn_app_with, test_databases};

#[tokio::test]
async fn login_me_and_logout() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "Owner@Smile.example").await;
        let app = spawn(&database).await;
        let session = login(&app, "owner@smile.example").await;
        assert_eq!(session.login.user.email, "owner@smile.example");
        assert_eq!(session.login.user.role, "owner");
        assert_eq!(session.login.clinic.name, "Smile Lab");

        let me: Value =
            as_session(&app, &session, Method::GET, "/api/v1/me", false).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["via"], "session");
        assert_eq!(me["role"], "owner");
        assert_eq!(me["clinic"]["name"], "Smile Lab");
        assert_eq!(me["scopes"], json!(["read", "write", "production"]));

        let logout = as_session(&app, &session, Method::POST, "/api/v1/auth/logout", true).send().await.unwrap();
        assert_eq!(logout.status(), 204);
        assert!(set_cookies(&logout).iter().any(|c| c.starts_with("trayforge_session=;") && c.contains("Max-Age=0")));
        let after = as_session(&app, &session, Method::GET, "/api/v1/me", false).send().await.unwrap();
        assert_eq!(after.status(), 401);
        assert_eq!(error_code(after).await, "unauthenticated");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_email_answer_the_same_401() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let wrong = login_response(&app, "owner@smile.example", "not the password").await;
        let unknown = login_response(&app, "nobody@smile.example", PASSWORD).await;
        assert_eq!((wrong.status(), unknown.status()), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
        assert!(set_cookies(&wrong).is_empty());
        let (wrong, unknown): (ErrorBody, ErrorBody) = (wrong.json().await.unwrap(), unknown.json().await.unwrap());
        assert_eq!(wrong, unknown);
        assert_eq!(wrong.error.code, "invalid_credentials");
    }
}

#[tokio::test]
async fn session_cookie_is_http_only_and_lax_and_secure_only_over_tls() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let plain = login_response(&app, "owner@smile.example", PASSWORD).await;
        let cookies = set_cookies(&plain);
        let session = cookies.iter().find(|c| c.starts_with("trayforge_session=")).expect("plain session cookie");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(session.contains(flag), "{flag} in {session}");
        }
        assert!(!session.contains("Secure"), "{session}");
        let csrf = cookies.iter().find(|c| c.starts_with("trayforge_csrf=")).expect("csrf cookie");
        assert!(!csrf.contains("HttpOnly"), "the client script reads it: {csrf}");

        let behind_tls = app
            .client
            .post(format!("{}/api/v1/auth/login", app.address))
            .header("x-forwarded-proto", "https")
            .json(&json!({ "email": "owner@smile.example", "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        let cookies = set_cookies(&behind_tls);
        let session = cookies.iter().find(|c| c.starts_with("__Host-trayforge_session=")).expect("__Host- cookie");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] {
            assert!(session.contains(flag), "{flag} in {session}");
        }
        assert!(!session.contains("Domain="), "{session}");
        let cookie = session.split(';').next().unwrap();
        let me = app.client.get(format!("{}/api/v1/me", app.address)).header("cookie", cookie).send().await.unwrap();
        assert_eq!(me.status(), 200);
    }
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_token_and_bearer_tokens_do_not() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let session = login(&app, "owner@smile.example").await;
        let body = json!({ "email": "ana@smile.example", "role": "clinician", "password": PASSWORD });

        let missing =
            as_session(&app, &session, Method::POST, "/api/v1/users", false).json(&body).send().await.unwrap();
        assert_eq!(missing.status(), 403);
        assert_eq!(error_code(missing).await, "csrf_mismatch");
        let wrong = as_session(&app, &session, Method::POST, "/api/v1/users", false)
            .header("x-csrf-token", "not-the-token")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(wrong).await, "csrf_mismatch");
        let logout = as_session(&app, &session, Method::POST, "/api/v1/auth/logout", false).send().await.unwrap();
        assert_eq!(logout.status(), 403, "logout is a write too");
        assert_eq!(create_user(&app, &session, "ana@smile.example", "clinician").await.status(), 201);

        // A bearer token is never sent by a browser on its own: no CSRF token needed.
        let secret = create_token(&app, &session, &["read", "write"]).await["secret"].as_str().unwrap().to_owned();
        let write = as_token(&app, &secret, Method::POST, "/api/v1/auth/logout").send().await.unwrap();
        assert_eq!(write.status(), 403, "refused for what it is, not for CSRF");
        assert_eq!(error_code(write).await, "forbidden");
    }
}

#[tokio::test]
async fn api_token_is_shown_once_stored_hashed_and_dead_once_revoked() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let session = login(&app, "owner@smile.example").await;
        let created = create_token(&app, &session, &["write", "read"]).await;
        let secret = created["secret"].as_str().unwrap().to_owned();
        let id = created["token"]["id"].as_str().unwrap().to_owned();
        assert_eq!(secret.len(), 43);
        assert_eq!(created["token"]["scopes"], json!(["read", "write"]));

        let me: Value = as_token(&app, &secret, Method::GET, "/api/v1/me").send().await.unwrap().json().await.unwrap();
        assert_eq!((me["via"].as_str(), me["token_id"].as_str()), (Some("token"), Some(id.as_str())));
        assert_eq!(me["user"], Value::Null);
        assert_eq!(me["scopes"], json!(["read", "write"]));

        let listed = as_session(&app, &session, Method::GET, "/api/v1/tokens", false).send().await.unwrap();
        let listed = listed.text().await.unwrap();
        assert!(!listed.contains(&secret) && !listed.contains("secret"), "{listed}");
        let listed: Value = serde_json::from_str(&listed).unwrap();
        assert!(listed["items"][0]["last_used_at"].is_string(), "{listed}");

        let stored = stored_token_hashes(&connect(&database).await).await;
        let expected: String = Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(stored, [expected]);

        let path = format!("/api/v1/tokens/{id}");
        assert_eq!(as_session(&app, &session, Method::DELETE, &path, true).send().await.unwrap().status(), 204);
        let after = as_token(&app, &secret, Method::GET, "/api/v1/me").send().await.unwrap();
        assert_eq!(after.status(), 401);
        let listed: Value = as_session(&app, &session, Method::GET, "/api/v1/tokens", false)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(listed["items"][0]["revoked_at"].is_string(), "{listed}");
    }
}

async fn stored_token_hashes(db: &Database) -> Vec<String> {
    let sql = "SELECT token_hash FROM api_tokens";
    match db {
        Database::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        Database::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    }
}

#[tokio::test]
async fn login_is_rate_limited_per_account_with_retry_after() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_app_with(Some(&database), |settings| settings.server.login_attempts_per_minute = 3).await;
        for _ in 0..3 {
            assert_eq!(login_response(&app, "owner@smile.example", "wrong guess").await.status(), 401);
        }
        // Even the right password waits now: the limit counts attempts, not failures.
        let limited = login_response(&app, "OWNER@smile.example", PASSWORD).await;
        assert_eq!(limited.status(), 429);
        let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        assert_eq!(error_code(limited).await, "rate_limited");
    }
}

#[tokio::test]
async fn a_clinic_never_sees_or_revokes_another_clinics_users_or_tokens() {
    for database in test_databases().await {
        seed_owner(&database, "Clinic A", "owner@a.example").await;
        seed_owner(&database, "Clinic B", "owner@b.example").await;
        let app = spawn(&database).await;
        let (a, b) = (login(&app, "owner@a.example").await, login(&app, "owner@b.example").await);
        assert_eq!(create_user(&app, &a, "ana@a.example", "clinician").await.status(), 201);
        let a_token = create_token(&app, &a, &["read"]).await["token"]["id"].as_str().unwrap().to_owned();

        let b_users: Value =
            as_session(&app, &b, Method::GET, "/api/v1/users", false).send().await.unwrap().json().await.unwrap();
        let emails: Vec<&str> =
            b_users["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
        assert_eq!(emails, ["owner@b.example"]);
        let b_tokens: Value =
            as_session(&app, &b, Method::GET, "/api/v1/tokens", false).send().await.unwrap().json().await.unwrap();
        assert_eq!((&b_tokens["items"], &b_tokens["total"]), (&json!([]), &json!(0)));

        // Another clinic's token and a token that does not exist look the same.
        let theirs =
            as_session(&app, &b, Method::DELETE, &format!("/api/v1/tokens/{a_token}"), true).send().await.unwrap();
        let nobodys = as_session(&app, &b, Method::DELETE, &format!("/api/v1/tokens/{}", uuid::Uuid::new_v4()), true)
            .send()
            .await
            .unwrap();
        assert_eq!((theirs.status(), nobodys.status()), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
        assert_eq!(theirs.json::<ErrorBody>().await.unwrap(), nobodys.json::<ErrorBody>().await.unwrap());
        let a_tokens: Value =
            as_session(&app, &a, Method::GET, "/api/v1/tokens", false).send().await.unwrap().json().await.unwrap();
        assert_eq!(a_tokens["items"][0]["revoked_at"], Value::Null, "still live: {a_tokens}");
    }
}

#[tokio::test]
async fn only_owners_and_admins_manage_users_and_tokens() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        assert_eq!(create_user(&app, &owner, "ana@smile.example", "clinician").await.status(), 201);
        assert_eq!(create_user(&app, &owner, "ben@smile.example", "admin").await.status(), 201);
        let second: Value = as_session(&app, &owner, Method::GET, "/api/v1/users?limit=2&page=2", false)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!((&second["items"][0]["email"], &second["total"]), (&json!("ben@smile.example"), &json!(3)));
        let clinician = login(&app, "ana@smile.example").await;
        let admin = login(&app, "ben@smile.example").await;

        let refused = create_user(&app, &clinician, "eve@smile.example", "clinician").await;
        assert_eq!(refused.status(), 403);
        assert_eq!(error_code(refused).await, "forbidden");
        for path in ["/api/v1/users", "/api/v1/tokens"] {
            let listed = as_session(&app, &clinician, Method::GET, path, false).send().await.unwrap();
            assert_eq!(listed.status(), 403, "{path}");
        }
        assert_eq!(create_user(&app, &admin, "eve@smile.example", "technician").await.status(), 201);
        assert_eq!(create_user(&app, &admin, "olga@smile.example", "owner").await.status(), 403);

        // A token, whatever its scopes, acts for the clinic, not as a manager.
        let secret =
            create_token(&app, &admin, &["read", "write", "production"]).await["secret"].as_str().unwrap().to_owned();
        let by_token = as_token(&app, &secret, Method::GET, "/api/v1/users").send().await.unwrap();
        assert_eq!(by_token.status(), 403);
    }
}

#[tokio::test]
async fn new_users_are_checked_and_emails_are_unique_whatever_their_case() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        seed_owner(&database, "Other Lab", "owner@other.example").await;
        let app = spawn(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let taken = create_user(&app, &owner, "OWNER@Smile.example", "clinician").await;
        assert_eq!(taken.status(), 409);
        let taken: ErrorBody = taken.json().await.unwrap();
        assert_eq!((taken.error.code.as_str(), taken.error.field.as_deref()), ("email_unavailable", Some("email")));
        // Another clinic's address gets the very same answer: nothing says where it is used.
        let elsewhere = create_user(&app, &owner, "owner@other.example", "clinician").await;
        assert_eq!(elsewhere.status(), 409);
        let elsewhere: ErrorBody = elsewhere.json().await.unwrap();
        assert_eq!((elsewhere.error.code, elsewhere.error.message), (taken.error.code, taken.error.message));

        let short = as_session(&app, &owner, Method::POST, "/api/v1/users", true)
            .json(&json!({ "email": "ana@smile.example", "role": "clinician", "password": "short" }))
            .send()
            .await
            .unwrap();
        assert_eq!(short.status(), 422);
        let short: ErrorBody = short.json().await.unwrap();
        assert_eq!(short.error.field.as_deref(), Some("password"));
        assert!(short.error.message.contains("at least 12"), "{}", short.error.message);

        let role = create_user(&app, &owner, "ana@smile.example", "dentist").await;
        assert_eq!(role.json::<ErrorBody>().await.unwrap().error.field.as_deref(), Some("role"));
        let users: Value =
            as_session(&app, &owner, Method::GET, "/api/v1/users", false).send().await.unwrap().json().await.unwrap();
        assert_eq!(users["items"].as_array().unwrap().len(), 1, "{users}");
    }
}

/// Runs `trayforge create-admin` on `database`, with `stdin` as its input.
fn create_admin_command(database: &TestDatabase, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_trayforge"))
        .arg("create-admin")
        .args(args)
        .current_dir(dir.path())
        .env_remove("TRAYFORGE_CONFIG")
        .env("TRAYFORGE__DATABASE__URL", &database.url)
        .env("TRAYFORGE__LOG__LEVEL", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn create_admin_makes_a_clinic_whose_owner_signs_in_with_the_printed_password() {
    for database in test_databases().await {
        let output = create_admin_command(&database, &["--clinic", "Smile Lab", "--email", "Boss@Smile.example"], "");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains("created clinic \"Smile Lab\" with owner boss@smile.example"), "{stdout}");
        let password = stdout
            .lines()
            .find_map(|line| line.strip_prefix("password: "))
            .and_then(|rest| rest.split_whitespace().next())
            .expect("the generated password is printed")
            .to_owned();
        assert_eq!(password.len(), 24);

        let app = spawn(&database).await;
        let response = login_response(&app, "boss@smile.example", &password).await;
        assert_eq!(response.status(), 200);
        let login: LoginResponse = response.json().await.unwrap();
        assert_eq!((login.user.role.as_str(), login.clinic.name.as_str()), ("owner", "Smile Lab"));

        let again = create_admin_command(&database, &["--clinic", "Other", "--email", "boss@smile.example"], "");
        assert!(!again.status.success());
        let stderr = String::from_utf8_lossy(&again.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("exists already"), "{stderr}");
    }
}

#[tokio::test]
async fn create_admin_takes_the_password_from_stdin_and_prints_none() {
    for database in test_databases().await {
        let args = ["--clinic", "Smile Lab", "--email", "boss@smile.example", "--password-stdin"];
        let output = create_admin_command(&database, &args, &format!("{PASSWORD}\n"));
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(!String::from_utf8_lossy(&output.stdout).contains("password:"));
        let app = spawn(&database).await;
        assert_eq!(login_response(&app, "boss@smile.example", PASSWORD).await.status(), 200);

        let short = create_admin_command(
            &database,
            &["--clinic", "X", "--email", "x@smile.example", "--password-stdin"],
            "short\n",
        );
        assert!(!short.status.success());
        assert!(String::from_utf8_lossy(&short.stderr).contains("use at least 12"));
    }
}

#[tokio::test]
async fn a_first_start_without_users_makes_a_demo_owner_with_a_generated_password() {
    for database in test_databases().await {
        let db = connect(&database).await;
        db.migrate().await.unwrap();
        let created = admin_command::create_demo_owner_if_no_users(&db).await.unwrap().expect("a demo owner");
        let password = created.generated_password.expect("a generated password").expose().to_owned();
        assert!(admin_command::create_demo_owner_if_no_users(&db).await.unwrap().is_none(), "only once");
        db.close().await;
        let app = spawn(&database).await;
        assert_eq!(login_response(&app, admin_command::DEMO_EMAIL, &password).await.status(), 200);
    }
}
