//! Account management over HTTP, on every available backend: changing a
//! colleague's name, role and whether they may sign in, the rules that keep
//! a clinic runnable (no self-disabling, always an enabled owner), password
//! changes and resets and the sessions they end, the per-account and
//! per-address login limits, and what API tokens may not do.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trayforge_wire::{AuditEventView, Page, UserView};

use crate::account_requests::{
    NEW_PASSWORD, add_user, change_own_password, client_from, conflict, error, login_from, login_with, me_status,
    patch_user, reset_password, spawn_without_login_limit, users,
};
use crate::people::{PASSWORD, as_session, as_token, create_token, login, login_response, seed_owner};
use crate::support::{spawn_app_with, test_databases};

#[tokio::test]
async fn an_owner_renames_changes_the_role_of_and_disables_a_user() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let ana = add_user(&app, &owner, "ana@smile.example", "clinician").await;

        let renamed = patch_user(&app, &owner, &ana, json!({ "display_name": "  Ana Sousa " })).await;
        assert_eq!(renamed.status(), 200);
        let renamed: UserView = renamed.json().await.unwrap();
        assert_eq!((renamed.display_name.as_str(), renamed.role.as_str()), ("Ana Sousa", "clinician"));

        let changed = patch_user(&app, &owner, &ana, json!({ "role": "technician", "disabled": true })).await;
        let changed: UserView = changed.json().await.unwrap();
        assert_eq!(
            (changed.display_name.as_str(), changed.role.as_str(), changed.disabled),
            ("Ana Sousa", "technician", true)
        );
        let listed = users(&app, &owner).await.into_iter().find(|user| user.id == ana).unwrap();
        assert_eq!(listed, changed);

        let audit: Page<AuditEventView> =
            as_session(&app, &owner, Method::GET, &format!("/api/v1/audit?subject_id={ana}"), false)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        let entries: Vec<(&str, &BTreeMap<String, String>)> =
            audit.items.iter().map(|event| (event.action.as_str(), &event.details)).collect();
        assert_eq!(entries.len(), 3, "{entries:?}");
        assert_eq!(entries[2].0, "user.create");
        assert_eq!(entries[0].0, "user.update");
        assert_eq!(entries[0].1["role"], "clinician → technician");
        assert_eq!(entries[0].1["disabled"], "true");
        assert_eq!(entries[1].1["display_name"], "Ana Sousa");
        assert_eq!(audit.items[0].actor_user_id.as_deref(), Some(owner.login.user.id.as_str()));
    }
}

#[tokio::test]
async fn a_disabled_user_is_signed_out_at_once_and_let_in_again_when_enabled() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let ana = add_user(&app, &owner, "ana@smile.example", "clinician").await;
        let (desk, tablet) = (login(&app, "ana@smile.example").await, login(&app, "ana@smile.example").await);
        assert_eq!(me_status(&app, &desk).await, 200);

        assert_eq!(patch_user(&app, &owner, &ana, json!({ "disabled": true })).await.status(), 200);
        assert_eq!(
            (me_status(&app, &desk).await, me_status(&app, &tablet).await),
            (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
        );

        // The right password learns why; a wrong one gets what an unknown email gets.
        let refused = login_response(&app, "ana@smile.example", PASSWORD).await;
        assert_eq!(refused.status(), 403);
        assert!(refused.headers().get("set-cookie").is_none());
        let refused = error(refused).await;
        assert_eq!(refused.error.code, "account_disabled");
        assert!(refused.error.message.contains("ask an owner or admin"), "{}", refused.error.message);
        let wrong = error(login_response(&app, "ana@smile.example", "not her password").await).await;
        let unknown = error(login_response(&app, "nobody@smile.example", "not her password").await).await;
        assert_eq!(wrong, unknown);
        assert_eq!(wrong.error.code, "invalid_credentials");

        assert_eq!(patch_user(&app, &owner, &ana, json!({ "disabled": false })).await.status(), 200);
        let again = login(&app, "ana@smile.example").await;
        assert_eq!(me_status(&app, &again).await, 200);
        // Enabling lets the person sign in again; it does not revive the old sessions.
        assert_eq!(me_status(&app, &desk).await, 401);
    }
}

#[tokio::test]
async fn a_role_change_takes_effect_on_the_next_request() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let ben = add_user(&app, &owner, "ben@smile.example", "admin").await;
        let ben_session = login(&app, "ben@smile.example").await;
        assert_eq!(
            as_session(&app, &ben_session, Method::GET, "/api/v1/users", false).send().await.unwrap().status(),
            200
        );

        assert_eq!(patch_user(&app, &owner, &ben, json!({ "role": "clinician" })).await.status(), 200);
        let listed = as_session(&app, &ben_session, Method::GET, "/api/v1/users", false).send().await.unwrap();
        assert_eq!(listed.status(), 403);
        let me: Value = as_session(&app, &ben_session, Method::GET, "/api/v1/me", false)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], "clinician");
    }
}

#[tokio::test]
async fn only_an_owner_grants_or_takes_the_owner_role_or_changes_an_owners_account() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let ben = add_user(&app, &owner, "ben@smile.example", "admin").await;
        let ana = add_user(&app, &owner, "ana@smile.example", "clinician").await;
        let olga = add_user(&app, &owner, "olga@smile.example", "owner").await;
        let admin = login(&app, "ben@smile.example").await;

        let cases = [
            (ana.as_str(), json!({ "role": "owner" }), "only an owner can make someone an owner"),
            (olga.as_str(), json!({ "role": "admin" }), "only an owner can change an owner's account"),
            (olga.as_str(), json!({ "disabled": true }), "only an owner can change an owner's account"),
            (
                owner.login.user.id.as_str(),
                json!({ "display_name": "Boss" }),
                "only an owner can change an owner's account",
            ),
        ];
        for (target, body, message) in cases {
            let refused = patch_user(&app, &admin, target, body.clone()).await;
            assert_eq!(refused.status(), 403, "{body}");
            let refused = error(refused).await;
            assert_eq!(refused.error.code, "forbidden");
            assert!(refused.error.message.starts_with(message), "{body}: {}", refused.error.message);
        }
        let reset = reset_password(&app, &admin, &olga, NEW_PASSWORD).await;
        assert_eq!(reset.status(), 403, "an admin who could reset an owner's password could become them");
        assert_eq!(login_response(&app, "olga@smile.example", PASSWORD).await.status(), 200);

        // What an admin may do to others, and an owner to owners.
        assert_eq!(patch_user(&app, &admin, &ana, json!({ "role": "admin" })).await.status(), 200);
        assert_eq!(patch_user(&app, &owner, &ana, json!({ "role": "owner" })).await.status(), 200);
        assert_eq!(patch_user(&app, &owner, &olga, json!({ "role": "technician" })).await.status(), 200);
        let roles: Vec<(String, String)> = users(&app, &owner).await.into_iter().map(|u| (u.id, u.role)).collect();
        assert!(roles.contains(&(ana, "owner".into())) && roles.contains(&(olga, "technician".into())), "{roles:?}");
        assert!(roles.contains(&(ben, "admin".into())), "{roles:?}");
    }
}

#[tokio::test]
async fn the_last_enabled_owner_can_be_neither_disabled_nor_demoted() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let me = owner.login.user.id.clone();
        for body in [json!({ "role": "admin" }), json!({ "disabled": true })] {
            let message = conflict(patch_user(&app, &owner, &me, body).await, "last_owner").await;
            assert!(message.contains("make another person an owner first"), "{message}");
        }
        // A disabled owner does not count: the clinic still has one enabled owner.
        let olga = add_user(&app, &owner, "olga@smile.example", "owner").await;
        assert_eq!(patch_user(&app, &owner, &olga, json!({ "disabled": true })).await.status(), 200);
        conflict(patch_user(&app, &owner, &me, json!({ "role": "clinician" })).await, "last_owner").await;

        // With a second enabled owner, one owner may take the other's role away.
        assert_eq!(patch_user(&app, &owner, &olga, json!({ "disabled": false })).await.status(), 200);
        let olga_session = login(&app, "olga@smile.example").await;
        assert_eq!(patch_user(&app, &olga_session, &me, json!({ "role": "admin" })).await.status(), 200);
        conflict(patch_user(&app, &olga_session, &olga, json!({ "disabled": true })).await, "last_owner").await;
        let owners: Vec<String> =
            users(&app, &olga_session).await.into_iter().filter(|u| u.role == "owner").map(|u| u.email).collect();
        assert_eq!(owners, ["olga@smile.example"]);
    }
}

#[tokio::test]
async fn nobody_disables_or_demotes_themselves() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        add_user(&app, &owner, "ben@smile.example", "admin").await;
        add_user(&app, &owner, "olga@smile.example", "owner").await;
        let admin = login(&app, "ben@smile.example").await;

        let message =
            conflict(patch_user(&app, &admin, &admin.login.user.id, json!({ "disabled": true })).await, "own_account")
                .await;
        assert!(message.contains("ask an owner or another admin"), "{message}");
        let demote = patch_user(&app, &admin, &admin.login.user.id, json!({ "role": "clinician" })).await;
        assert_eq!(error(demote).await.error.field.as_deref(), Some("role"));
        // Two enabled owners: no last-owner problem, and still not oneself.
        let message =
            conflict(patch_user(&app, &owner, &owner.login.user.id, json!({ "disabled": true })).await, "own_account")
                .await;
        assert!(message.contains("ask another owner"), "{message}");
        conflict(patch_user(&app, &owner, &owner.login.user.id, json!({ "role": "admin" })).await, "own_account").await;

        // One's own name is one's own to change.
        let renamed = patch_user(&app, &admin, &admin.login.user.id, json!({ "display_name": "Ben B." })).await;
        assert_eq!(renamed.status(), 200);
        let roles: Vec<(String, bool)> = users(&app, &owner).await.into_iter().map(|u| (u.role, u.disabled)).collect();
        assert_eq!(roles, [("owner".into(), false), ("admin".into(), false), ("owner".into(), false)]);
    }
}

#[tokio::test]
async fn two_owners_disabling_each_other_at_once_leave_one_enabled_owner() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "a@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let first = login(&app, "a@smile.example").await;
        let b_id = add_user(&app, &first, "b@smile.example", "owner").await;
        let a_id = first.login.user.id.clone();
        for round in 0..4 {
            let (a, b) = (login(&app, "a@smile.example").await, login(&app, "b@smile.example").await);
            let (by_a, by_b) = tokio::join!(
                patch_user(&app, &a, &b_id, json!({ "disabled": true })),
                patch_user(&app, &b, &a_id, json!({ "disabled": true })),
            );
            let statuses = [by_a.status(), by_b.status()];
            // The loser is refused by the rule (409) or, when the winner
            // committed first, finds its own session ended (401).
            assert_eq!(statuses.iter().filter(|status| **status == 200).count(), 1, "round {round}: {statuses:?}");
            let (winner, loser) = if statuses[0] == 200 { (&a, &b_id) } else { (&b, &a_id) };
            let enabled_owners =
                users(&app, winner).await.into_iter().filter(|u| u.role == "owner" && !u.disabled).count();
            assert_eq!(enabled_owners, 1, "round {round}");
            assert_eq!(patch_user(&app, winner, loser, json!({ "disabled": false })).await.status(), 200);
        }
    }
}

#[tokio::test]
async fn another_clinics_user_is_not_found() {
    for database in test_databases().await {
        seed_owner(&database, "Clinic A", "owner@a.example").await;
        seed_owner(&database, "Clinic B", "owner@b.example").await;
        let app = spawn_without_login_limit(&database).await;
        let (a, b) = (login(&app, "owner@a.example").await, login(&app, "owner@b.example").await);
        let ana = add_user(&app, &a, "ana@a.example", "clinician").await;

        let nobody = uuid::Uuid::new_v4().to_string();
        for target in [ana.as_str(), a.login.user.id.as_str(), nobody.as_str(), "not-a-uuid"] {
            let patched = patch_user(&app, &b, target, json!({ "disabled": true })).await;
            assert_eq!(patched.status(), 404, "{target}");
            assert_eq!(error(patched).await.error.code, "not_found");
            assert_eq!(reset_password(&app, &b, target, NEW_PASSWORD).await.status(), 404, "{target}");
        }
        // Untouched: both still sign in with their passwords.
        assert_eq!(login_response(&app, "ana@a.example", PASSWORD).await.status(), 200);
        assert_eq!(me_status(&app, &a).await, 200);
    }
}

#[tokio::test]
async fn a_bad_change_says_what_is_wrong_and_changes_nothing() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let ana = add_user(&app, &owner, "ana@smile.example", "clinician").await;

        let empty = patch_user(&app, &owner, &ana, json!({})).await;
        assert_eq!(empty.status(), 400);
        assert!(error(empty).await.error.message.contains("nothing to change"));
        let misspelt = patch_user(&app, &owner, &ana, json!({ "disable": true })).await;
        assert_eq!(misspelt.status(), 400);
        assert!(error(misspelt).await.error.message.contains("unknown field `disable`"));
        let wrong_type = patch_user(&app, &owner, &ana, json!({ "disabled": "yes" })).await;
        assert_eq!(wrong_type.status(), 400);

        let fields = [
            (json!({ "role": "dentist" }), "role", "not a role"),
            (json!({ "display_name": "  " }), "display_name", "empty"),
            (json!({ "display_name": "x".repeat(101) }), "display_name", "at most 100"),
            (json!({ "display_name": "Ana", "role": "boss" }), "role", "not a role"),
        ];
        for (body, field, says) in fields {
            let response = patch_user(&app, &owner, &ana, body.clone()).await;
            assert_eq!(response.status(), 422, "{body}");
            let body = error(response).await;
            assert_eq!(body.error.field.as_deref(), Some(field));
            assert!(body.error.message.contains(says), "{}", body.error.message);
        }
        // A new user's name follows the same rules.
        let long_name = as_session(&app, &owner, Method::POST, "/api/v1/users", true)
            .json(&json!({ "email": "eve@smile.example", "display_name": "x".repeat(101), "role": "clinician", "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            (long_name.status(), error(long_name).await.error.field),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("display_name".into()))
        );
        assert_eq!(users(&app, &owner).await.len(), 2);
        let unchanged = users(&app, &owner).await.into_iter().find(|user| user.id == ana).unwrap();
        assert_eq!((unchanged.display_name.as_str(), unchanged.role.as_str()), ("ana", "clinician"));
    }
}

#[tokio::test]
async fn changing_ones_password_ends_the_other_sessions_and_keeps_this_one() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        add_user(&app, &owner, "ana@smile.example", "clinician").await;
        let (desk, tablet) = (login(&app, "ana@smile.example").await, login(&app, "ana@smile.example").await);

        assert_eq!(change_own_password(&app, &desk, PASSWORD, NEW_PASSWORD).await.status(), 204);
        assert_eq!(me_status(&app, &desk).await, 200);
        assert_eq!(me_status(&app, &tablet).await, 401);
        assert_eq!(me_status(&app, &owner).await, 200, "other people's sessions go on");
        assert_eq!(login_response(&app, "ana@smile.example", PASSWORD).await.status(), 401);
        login_with(&app, "ana@smile.example", NEW_PASSWORD).await;
        // The session that changed it goes on writing, with its CSRF token.
        assert_eq!(change_own_password(&app, &desk, NEW_PASSWORD, PASSWORD).await.status(), 204);
    }
}

#[tokio::test]
async fn a_wrong_current_password_or_a_weak_new_one_changes_nothing() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let (desk, tablet) = (login(&app, "owner@smile.example").await, login(&app, "owner@smile.example").await);

        let wrong = change_own_password(&app, &desk, "not my password", NEW_PASSWORD).await;
        assert_eq!(wrong.status(), 422);
        let wrong = error(wrong).await;
        assert_eq!(wrong.error.field.as_deref(), Some("current_password"));
        assert!(wrong.error.message.contains("current password is wrong"), "{}", wrong.error.message);

        let short = change_own_password(&app, &desk, PASSWORD, "short").await;
        assert_eq!(short.status(), 422);
        let short = error(short).await;
        assert_eq!(short.error.field.as_deref(), Some("new_password"));
        assert!(short.error.message.contains("at least 12"), "{}", short.error.message);

        let missing = as_session(&app, &desk, Method::POST, "/api/v1/me/password", true)
            .json(&json!({ "new_password": NEW_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 400);
        assert!(error(missing).await.error.message.contains("current_password"));

        assert_eq!((me_status(&app, &desk).await, me_status(&app, &tablet).await), (StatusCode::OK, StatusCode::OK));
        assert_eq!(login_response(&app, "owner@smile.example", PASSWORD).await.status(), 200);
        assert_eq!(login_response(&app, "owner@smile.example", NEW_PASSWORD).await.status(), 401);
    }
}

#[tokio::test]
async fn guessing_the_current_password_is_rate_limited_per_person() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_app_with(Some(&database), |settings| settings.server.login_attempts_per_minute = 3).await;
        let session = login(&app, "owner@smile.example").await;
        for _ in 0..3 {
            assert_eq!(change_own_password(&app, &session, "a wrong guess!", NEW_PASSWORD).await.status(), 422);
        }
        let limited = change_own_password(&app, &session, PASSWORD, NEW_PASSWORD).await;
        assert_eq!(limited.status(), 429);
        assert!(limited.headers().contains_key("retry-after"));
        assert_eq!(error(limited).await.error.code, "rate_limited");
        assert_eq!(login_response(&app, "owner@smile.example", NEW_PASSWORD).await.status(), 401);
    }
}

#[tokio::test]
async fn an_admin_resets_a_password_and_the_person_is_signed_out_everywhere() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let ana = add_user(&app, &owner, "ana@smile.example", "clinician").await;
        add_user(&app, &owner, "ben@smile.example", "admin").await;
        let tom = add_user(&app, &owner, "tom@smile.example", "technician").await;
        let (admin, ana_session) = (login(&app, "ben@smile.example").await, login(&app, "ana@smile.example").await);

        let refused = reset_password(&app, &ana_session, &tom, NEW_PASSWORD).await;
        assert_eq!(refused.status(), 403, "a clinician resets nobody's password");
        assert_eq!(error(refused).await.error.code, "forbidden");
        let short = reset_password(&app, &admin, &ana, "short").await;
        assert_eq!(
            (short.status(), error(short).await.error.field),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password".into()))
        );
        let own = conflict(reset_password(&app, &admin, &admin.login.user.id, NEW_PASSWORD).await, "own_account").await;
        assert!(own.contains("POST /api/v1/me/password"), "{own}");
        assert_eq!(me_status(&app, &ana_session).await, 200);

        assert_eq!(reset_password(&app, &admin, &ana, NEW_PASSWORD).await.status(), 204);
        assert_eq!(me_status(&app, &ana_session).await, 401);
        assert_eq!(me_status(&app, &admin).await, 200);
        assert_eq!(login_response(&app, "ana@smile.example", PASSWORD).await.status(), 401);
        login_with(&app, "ana@smile.example", NEW_PASSWORD).await;
    }
}

#[tokio::test]
async fn tokens_read_me_whatever_their_scopes_and_never_manage_people_tokens_or_passwords() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_without_login_limit(&database).await;
        let owner = login(&app, "owner@smile.example").await;
        let ana = add_user(&app, &owner, "ana@smile.example", "clinician").await;
        for scope in ["read", "write", "production"] {
            let secret = create_token(&app, &owner, &[scope]).await["secret"].as_str().unwrap().to_owned();
            let me = as_token(&app, &secret, Method::GET, "/api/v1/me").send().await.unwrap();
            assert_eq!(me.status(), 200, "{scope}");
            let me: Value = me.json().await.unwrap();
            assert_eq!((me["via"].clone(), me["scopes"].clone()), (json!("token"), json!([scope])));
        }

        let created = create_token(&app, &owner, &["read", "write", "production"]).await;
        let secret = created["secret"].as_str().unwrap();
        let token_id = created["token"]["id"].as_str().unwrap();
        let user_body = json!({ "email": "eve@smile.example", "role": "clinician", "password": PASSWORD });
        let requests = [
            (Method::GET, "/api/v1/users".to_owned(), json!(null)),
            (Method::POST, "/api/v1/users".to_owned(), user_body),
            (Method::PATCH, format!("/api/v1/users/{ana}"), json!({ "disabled": true })),
            (Method::POST, format!("/api/v1/users/{ana}/password"), json!({ "new_password": NEW_PASSWORD })),
            (Method::GET, "/api/v1/tokens".to_owned(), json!(null)),
            (Method::POST, "/api/v1/tokens".to_owned(), json!({ "name": "minted", "scopes": ["read"] })),
            (Method::DELETE, format!("/api/v1/tokens/{token_id}"), json!(null)),
            (
                Method::POST,
                "/api/v1/me/password".to_owned(),
                json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
            ),
        ];
        for (method, path, body) in requests {
            let mut request = as_token(&app, secret, method.clone(), &path);
            if !body.is_null() {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 403, "{method} {path}");
            assert_eq!(error(response).await.error.code, "forbidden", "{method} {path}");
        }
        // Nothing happened: Ana is enabled with her password, the token lives, no token was minted.
        assert_eq!(login_response(&app, "ana@smile.example", PASSWORD).await.status(), 200);
        assert_eq!(as_token(&app, secret, Method::GET, "/api/v1/me").send().await.unwrap().status(), 200);
        let tokens: Value =
            as_session(&app, &owner, Method::GET, "/api/v1/tokens", false).send().await.unwrap().json().await.unwrap();
        assert_eq!((tokens["items"].as_array().unwrap().len(), &tokens["total"]), (4, &json!(4)));
        assert_eq!(users(&app, &owner).await.len(), 2);
    }
}

#[tokio::test]
async fn login_failures_stop_the_guessing_addresses_and_attempts_are_limited_per_address() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_app_with(Some(&database), |settings| settings.server.login_attempts_per_minute = 3).await;
        let owner = login(&app, "owner@smile.example").await;
        add_user(&app, &owner, "ana@smile.example", "clinician").await;

        // Three failed guesses at the owner from one address stop that address at that account…
        let guesser = client_from([127, 0, 0, 2]);
        for _ in 0..3 {
            assert_eq!(login_from(&guesser, &app, "owner@smile.example", "a wrong guess").await.status(), 401);
        }
        let limited = login_from(&guesser, &app, "Owner@Smile.example", PASSWORD).await;
        assert_eq!(limited.status(), 429, "the guessing address waits");
        assert_eq!(error(limited).await.error.code, "rate_limited");
        // …not the owner elsewhere, nor another account from there.
        let elsewhere = client_from([127, 0, 0, 3]);
        assert_eq!(login_from(&elsewhere, &app, "Owner@Smile.example", PASSWORD).await.status(), 200);
        assert_eq!(login_from(&elsewhere, &app, "ana@smile.example", PASSWORD).await.status(), 200);

        // Three attempts from one address use it up, whatever the accounts.
        let sprayer = client_from([127, 0, 0, 4]);
        for n in 0..3 {
            let email = format!("guess{n}@smile.example");
            assert_eq!(login_from(&sprayer, &app, &email, PASSWORD).await.status(), 401);
        }
        let limited = login_from(&sprayer, &app, "ana@smile.example", PASSWORD).await;
        assert_eq!(limited.status(), 429, "the address is limited for every account");
        assert_eq!(login_from(&client_from([127, 0, 0, 5]), &app, "ana@smile.example", PASSWORD).await.status(), 200);
    }
}
