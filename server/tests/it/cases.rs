//! Cases, patients, stages, model and photo uploads, downloads and the
//! audit log, over HTTP against the real application on every backend.

use std::path::Path;

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use trayforge_wire::{AuditEventView, CaseDetail, CaseView, ErrorBody, FileView, Page};

use crate::people::{Session, as_session, as_token, create_token, create_user, login, seed_owner, spawn};
use crate::support::{TestApp, TestDatabase, connect, corpus, spawn_app_with, test_databases};

/// Sends `body` as JSON (or nothing for `Value::Null`) as the signed-in person.
async fn send(app: &TestApp, session: &Session, method: Method, path: &str, body: Value) -> Response {
    let request = as_session(app, session, method, path, true);
    let request = if body.is_null() { request } else { request.json(&body) };
    request.send().await.unwrap()
}

async fn create_case(app: &TestApp, session: &Session, body: Value) -> CaseDetail {
    let response = send(app, session, Method::POST, "/api/v1/cases", body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

async fn error_of(response: Response, status: u16) -> ErrorBody {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

async fn upload(app: &TestApp, session: &Session, path: &str, bytes: Vec<u8>) -> Response {
    as_session(app, session, Method::POST, path, true).body(bytes).send().await.unwrap()
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(corpus(file)).unwrap()
}

/// Every file under the data folder's blob store.
fn stored_files(data_dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![data_dir.join("blobs")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() { folders.push(path) } else { found.push(path.display().to_string()) }
        }
    }
    found.sort();
    found
}

/// A clinic with its owner signed in, on `database`.
async fn clinic(database: &TestDatabase) -> (TestApp, Session) {
    seed_owner(database, "Smile Lab", "owner@smile.example").await;
    let app = spawn(database).await;
    let owner = login(&app, "owner@smile.example").await;
    (app, owner)
}

#[tokio::test]
async fn a_case_is_created_with_a_coded_patient_found_paged_changed_and_deleted() {
    for database in test_databases().await {
        let (app, owner) = clinic(&database).await;
        let created = create_case(
            &app,
            &owner,
            json!({
                "patient": { "full_name": "Ada Lovelace", "date_of_birth": "1990-12-10" },
                "title": "Crowding upper",
                "start_date": "2026-12-01",
                "days_per_aligner": 10
            }),
        )
        .await;
        let code = created.case.patient.code.clone();
        assert!(code.len() == 7 && code.as_bytes()[3] == b'-', "{code}");
        assert_eq!(created.case.patient.full_name.as_deref(), Some("Ada Lovelace"));
        assert_eq!((created.case.status.as_str(), created.case.days_per_aligner), ("new", 10));
        assert_eq!(created.case.aligners_per_appointment, 3);

        // A second case of the same patient, and an anonymous one.
        let refinement =
            create_case(&app, &owner, json!({ "patient_id": created.case.patient.id, "title": "Refinement" })).await;
        assert_eq!(refinement.case.patient.code, code);
        let other = create_case(&app, &owner, json!({})).await;
        assert_ne!(other.case.patient.code, code);
        assert_eq!(other.case.title, "Treatment");

        let search = |query: &str| {
            let path = format!("/api/v1/cases?{query}");
            let (app, owner) = (&app, &owner);
            async move {
                let response = send(app, owner, Method::GET, &path, Value::Null).await;
                assert_eq!(response.status(), 200, "{path}");
                response.json::<Page<CaseView>>().await.unwrap()
            }
        };
        let typed = code.replace('-', "").to_lowercase();
        let by_code = search(&format!("q={typed}")).await;
        assert_eq!((by_code.total, by_code.items.len()), (2, 2), "codes match without dash, in any case");
        assert_eq!(search("q=lovelace").await.total, 2);
        assert_eq!(search("q=refine").await.items[0].id, refinement.case.id);
        assert_eq!(search("q=100%25").await.total, 0, "LIKE characters are literal");
        let first = search("limit=2").await;
        let second = search("limit=2&page=2").await;
        assert_eq!((first.total, first.items.len(), second.items.len()), (3, 2, 1));
        assert_eq!(first.items[0].id, other.case.id, "most recently changed first");

        let id = &created.case.id;
        let changed =
            send(&app, &owner, Method::PATCH, &format!("/api/v1/cases/{id}"), json!({ "status": "prepared" })).await;
        assert_eq!(changed.status(), 200);
        assert_eq!(changed.json::<CaseDetail>().await.unwrap().case.status, "prepared");
        assert_eq!(search("status=prepared").await.items[0].id, *id);
        assert_eq!(search("status=new").await.total, 2);

        let deleted = send(&app, &owner, Method::DELETE, &format!("/api/v1/cases/{id}"), Value::Null).await;
        assert_eq!(deleted.status(), 204);
        let gone = send(&app, &owner, Method::GET, &format!("/api/v1/cases/{id}"), Value::Null).await;
        assert_eq!(gone.status(), 404);
        assert_eq!(search("").await.total, 2);
    }
}

#[tokio::test]
async fn bad_case_requests_name_the_field_and_change_nothing() {
    for database in test_databases().await {
        let (app, owner) = clinic(&database).await;
        let cases = [
            (json!({ "start_date": "1st of May" }), "start_date"),
            (json!({ "days_per_aligner": 0 }), "days_per_aligner"),
            (json!({ "aligners_per_appointment": 21 }), "aligners_per_appointment"),
            (json!({ "patient": { "date_of_birth": "2999-01-01" } }), "patient.date_of_birth"),
            (json!({ "patient": {}, "patient_id": "8f0c1c1e-0000-4000-8000-000000000000" }), "patient"),
            (json!({ "patient_id": "8f0c1c1e" }), "patient_id"),
            (json!({ "title": "x".repeat(201) }), "title"),
            (json!({ "title": format!(" {} ", "x".repeat(199)) }), "title"),
            (json!({ "start_date": " 2026-05-01" }), "start_date"),
        ];
        for (body, field) in cases {
            let error = error_of(send(&app, &owner, Method::POST, "/api/v1/cases", body.clone()).await, 422).await;
            assert_eq!(error.error.field.as_deref(), Some(field), "{body}: {}", error.error.message);
        }
        // A well-formed id of no patient of the clinic names nothing, like an unknown path id.
        let nobody = json!({ "patient_id": "8f0c1c1e-0000-4000-8000-000000000000" });
        let error = error_of(send(&app, &owner, Method::POST, "/api/v1/cases", nobody).await, 404).await;
        assert_eq!(error.error.field.as_deref(), Some("patient_id"));
        // An array is no case (serde alone would read one as the fields in order).
        let array = send(&app, &owner, Method::POST, "/api/v1/cases", json!([null, null])).await;
        assert_eq!(array.status(), 400);
        let unknown = send(&app, &owner, Method::POST, "/api/v1/cases", json!({ "colour": "blue" })).await;
        assert_eq!(unknown.status(), 400);
        let bad_query = send(&app, &owner, Method::GET, "/api/v1/cases?limit=5000", Value::Null).await;
        assert_eq!(error_of(bad_query, 422).await.error.field.as_deref(), Some("limit"));
        let bad_status = send(&app, &owner, Method::GET, "/api/v1/cases?status=lost", Value::Null).await;
        assert!(error_of(bad_status, 422).await.error.message.contains("models_ready"));
        let listed = send(&app, &owner, Method::GET, "/api/v1/cases", Value::Null).await;
        assert_eq!(listed.json::<Page<CaseView>>().await.unwrap().total, 0);

        // Whole numbers are integers however they are written (as JSON Schema reads them).
        let written = json!({ "days_per_aligner": 10.0 });
        let created = send(&app, &owner, Method::POST, "/api/v1/cases", written).await;
        assert_eq!(created.status(), 201);
        assert_eq!(created.json::<CaseDetail>().await.unwrap().case.days_per_aligner, 10);
    }
}

#[tokio::test]
async fn models_upload_as_versions_with_a_server_report_and_download_identically() {
    for database in test_databases().await {
        let (app, owner) = clinic(&database).await;
        let case = create_case(&app, &owner, json!({ "start_date": "2026-12-01", "days_per_aligner": 7 })).await;
        let id = &case.case.id;
        let arch = read("public/dental/ref_upper_tag0.stl");
        let path = format!("/api/v1/cases/{id}/stages/upper/2/models?file_name=C%3A%5Cexport%5CUpper_02.stl");
        let first = upload(&app, &owner, &path, arch.clone()).await;
        assert_eq!(first.status(), 201);
        let first: FileView = first.json().await.unwrap();
        let report = first.report.clone().expect("a model has a report");
        assert_eq!((report.triangles, report.watertight), (85232, true));
        assert_eq!(
            (first.version, first.file_name.as_str(), first.content_type.as_str()),
            (1, "Upper_02.stl", "model/stl")
        );
        assert_eq!(first.size_bytes, arch.len() as u64);

        let cube = read("synthetic/cube_binary.stl");
        let second: FileView = upload(&app, &owner, &path, cube.clone()).await.json().await.unwrap();
        assert_eq!(second.version, 2);

        let detail: CaseDetail =
            send(&app, &owner, Method::GET, &format!("/api/v1/cases/{id}"), Value::Null).await.json().await.unwrap();
        let stage = &detail.stages[0];
        assert_eq!((stage.arch.as_str(), stage.index, stage.appointment), ("upper", 2, Some(1)));
        assert_eq!(stage.wear_from.as_deref(), Some("2026-12-08"), "aligner 2 starts a week after the start");
        let versions: Vec<i32> = stage.models.iter().map(|model| model.version).collect();
        assert_eq!(versions, [1, 2]);
        assert_eq!(case.case.stages_with_models, 0);
        let listed: Page<CaseView> =
            send(&app, &owner, Method::GET, "/api/v1/cases", Value::Null).await.json().await.unwrap();
        assert_eq!(listed.items[0].stages_with_models, 1, "two versions of one stage count once");
        assert_eq!(detail.case.stages_with_models, 1);

        let download = send(&app, &owner, Method::GET, &first.download_url, Value::Null).await;
        assert_eq!(download.status(), 200);
        let disposition = download.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.starts_with("attachment; filename=\"Upper_02.stl\""), "{disposition}");
        assert_eq!(download.bytes().await.unwrap().as_ref(), arch.as_slice());

        let audit: Page<AuditEventView> =
            send(&app, &owner, Method::GET, "/api/v1/audit", Value::Null).await.json().await.unwrap();
        // Signing in is recorded too; this test is about the case.
        let audit_items: Vec<&AuditEventView> =
            audit.items.iter().filter(|event| !event.action.starts_with("auth.")).collect();
        let actions: Vec<&str> = audit_items.iter().map(|event| event.action.as_str()).collect();
        assert_eq!(actions, ["file.download", "file.upload", "file.upload", "case.create"]);
        let upload_event = audit_items[2];
        assert_eq!(upload_event.details["file_name"], "Upper_02.stl");
        assert_eq!(upload_event.details["stage"], "upper 2");
        assert_eq!(upload_event.actor_user_id.as_deref(), Some(owner.login.user.id.as_str()));
        assert_eq!(upload_event.source.as_deref(), Some("127.0.0.1"));
        let of_case: Page<AuditEventView> =
            send(&app, &owner, Method::GET, &format!("/api/v1/audit?subject_id={id}"), Value::Null)
                .await
                .json()
                .await
                .unwrap();
        assert_eq!(of_case.total, 1);
        let activity: Page<AuditEventView> =
            send(&app, &owner, Method::GET, &format!("/api/v1/cases/{id}/activity"), Value::Null)
                .await
                .json()
                .await
                .unwrap();
        assert_eq!(activity.total, 4, "the case's creation and its files' uploads and download");
        assert_eq!(activity.items[3].actor_name.as_deref(), Some(owner.login.user.display_name.as_str()));
    }
}

#[tokio::test]
async fn refused_uploads_say_why_and_leave_nothing_behind() {
    for database in test_databases().await {
        seed_owner(&database, "Smile Lab", "owner@smile.example").await;
        let app = spawn_app_with(Some(&database), |settings| settings.blobs.max_upload_bytes = 100_000).await;
        let owner = login(&app, "owner@smile.example").await;
        let case = create_case(&app, &owner, json!({})).await;
        let models = format!("/api/v1/cases/{}/stages/lower/1/models", case.case.id);

        let not_a_model = upload(&app, &owner, &models, read("synthetic/not_an_stl.stl")).await;
        let message = error_of(not_a_model, 422).await.error.message;
        assert!(message.contains("not a model Trayforge can read"), "{message}");
        let truncated =
            error_of(upload(&app, &owner, &models, read("synthetic/binary_truncated.stl")).await, 422).await;
        assert!(truncated.error.message.contains("truncated"), "{}", truncated.error.message);

        let too_large = upload(&app, &owner, &models, vec![b'x'; 200_000]).await;
        let message = error_of(too_large, 413).await.error.message;
        assert!(message.contains("limit of 100 kB"), "{message}");
        // The same without a declared length: refused once the limit is passed.
        let chunks = (0..20).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 10_000]));
        let streamed = as_session(&app, &owner, Method::POST, &models, true)
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(streamed, 413).await.error.code, "too_large");

        let photos = format!("/api/v1/cases/{}/photos", case.case.id);
        let not_a_photo = error_of(upload(&app, &owner, &photos, read("synthetic/cube_binary.stl")).await, 422).await;
        assert!(not_a_photo.error.message.contains("JPEG, PNG or HEIC"));
        let empty = error_of(upload(&app, &owner, &photos, Vec::new()).await, 422).await;
        assert!(empty.error.message.contains("empty"));

        // An upload whose connection breaks half-way.
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            vec![Ok(read("synthetic/cube_binary.stl")), Err(std::io::Error::other("cable pulled"))];
        let broken = as_session(&app, &owner, Method::POST, &models, true)
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
            .send()
            .await;
        assert!(broken.is_err() || broken.unwrap().status().is_client_error());

        assert_eq!(stored_files(&app.data_dir), Vec::<String>::new(), "no blob and no temporary is left");
        let detail: CaseDetail =
            send(&app, &owner, Method::GET, &format!("/api/v1/cases/{}", case.case.id), Value::Null)
                .await
                .json()
                .await
                .unwrap();
        assert!(detail.stages.is_empty() && detail.photos.is_empty());
    }
}

#[tokio::test]
async fn photos_are_kept_with_their_type() {
    for database in test_databases().await {
        let (app, owner) = clinic(&database).await;
        let case = create_case(&app, &owner, json!({})).await;
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde".to_vec();
        let path = format!("/api/v1/cases/{}/photos?file_name=smile.png", case.case.id);
        let photo: FileView = upload(&app, &owner, &path, png.clone()).await.json().await.unwrap();
        assert_eq!((photo.kind.as_str(), photo.content_type.as_str(), photo.report), ("photo", "image/png", None));
        let detail: CaseDetail =
            send(&app, &owner, Method::GET, &format!("/api/v1/cases/{}", case.case.id), Value::Null)
                .await
                .json()
                .await
                .unwrap();
        assert_eq!(detail.photos.len(), 1);
        let bytes = send(&app, &owner, Method::GET, &photo.download_url, Value::Null).await.bytes().await.unwrap();
        assert_eq!(bytes.as_ref(), png.as_slice());
    }
}

#[tokio::test]
async fn technicians_work_from_codes_and_upload_models_but_do_not_change_cases() {
    for database in test_databases().await {
        let (app, owner) = clinic(&database).await;
        assert_eq!(create_user(&app, &owner, "tech@smile.example", "technician").await.status(), 201);
        let technician = login(&app, "tech@smile.example").await;
        let case = create_case(&app, &owner, json!({ "patient": { "full_name": "Grace Hopper" } })).await;
        let id = &case.case.id;

        let seen: CaseDetail = send(&app, &technician, Method::GET, &format!("/api/v1/cases/{id}"), Value::Null)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!((seen.case.patient.code, seen.case.patient.full_name), (case.case.patient.code.clone(), None));
        let by_name = send(&app, &technician, Method::GET, "/api/v1/cases?q=hopper", Value::Null).await;
        assert_eq!(by_name.json::<Page<CaseView>>().await.unwrap().total, 0, "no name search for technicians");

        let model = upload(
            &app,
            &technician,
            &format!("/api/v1/cases/{id}/stages/lower/0/models"),
            read("synthetic/cube_binary.stl"),
        )
        .await;
        assert_eq!(model.status(), 201);
        for (method, path) in [
            (Method::POST, "/api/v1/cases".to_owned()),
            (Method::PATCH, format!("/api/v1/cases/{id}")),
            (Method::DELETE, format!("/api/v1/cases/{id}")),
        ] {
            let refused = send(&app, &technician, method.clone(), &path, json!({ "notes": "x" })).await;
            assert_eq!(refused.status(), 403, "{method} {path}");
        }
        assert_eq!(send(&app, &technician, Method::GET, "/api/v1/audit", Value::Null).await.status(), 403);
        let activity = send(&app, &technician, Method::GET, &format!("/api/v1/cases/{id}/activity"), Value::Null).await;
        assert_eq!(activity.json::<Page<AuditEventView>>().await.unwrap().total, 2, "created, then the model");
    }
}

#[tokio::test]
async fn another_clinic_never_sees_or_touches_a_case_or_its_files() {
    for database in test_databases().await {
        let (app, owner) = clinic(&database).await;
        let case = create_case(&app, &owner, json!({ "patient": { "full_name": "Ada Lovelace" } })).await;
        let id = &case.case.id;
        let model: FileView = upload(
            &app,
            &owner,
            &format!("/api/v1/cases/{id}/stages/upper/1/models"),
            read("synthetic/cube_binary.stl"),
        )
        .await
        .json()
        .await
        .unwrap();

        seed_owner(&database, "Other Lab", "owner@other.example").await;
        let other = login(&app, "owner@other.example").await;
        for (method, path) in [
            (Method::GET, format!("/api/v1/cases/{id}")),
            (Method::PATCH, format!("/api/v1/cases/{id}")),
            (Method::DELETE, format!("/api/v1/cases/{id}")),
            (Method::GET, model.download_url.clone()),
            (Method::GET, format!("/api/v1/cases/{id}/activity")),
        ] {
            let response = send(&app, &other, method.clone(), &path, json!({ "notes": "mine now" })).await;
            assert_eq!(response.status(), 404, "{method} {path}");
        }
        let upload_there = upload(
            &app,
            &other,
            &format!("/api/v1/cases/{id}/stages/upper/1/models"),
            read("synthetic/cube_binary.stl"),
        )
        .await;
        assert_eq!(upload_there.status(), 404);
        let photo_there =
            upload(&app, &other, &format!("/api/v1/cases/{id}/photos"), b"\xFF\xD8\xFF\xE0".to_vec()).await;
        assert_eq!(photo_there.status(), 404);
        let listed: Page<CaseView> =
            send(&app, &other, Method::GET, "/api/v1/cases?q=lovelace", Value::Null).await.json().await.unwrap();
        assert_eq!(listed.total, 0);
        let patient_there =
            send(&app, &other, Method::POST, "/api/v1/cases", json!({ "patient_id": case.case.patient.id })).await;
        assert_eq!(error_of(patient_there, 404).await.error.field.as_deref(), Some("patient_id"));
        let audit: Page<AuditEventView> =
            send(&app, &other, Method::GET, "/api/v1/audit", Value::Null).await.json().await.unwrap();
        let actions: Vec<&str> = audit.items.iter().map(|event| event.action.as_str()).collect();
        assert_eq!(actions, ["auth.sign_in"], "the refused creation left no event, and clinic A's are not shown");
    }
}

#[tokio::test]
async fn tokens_need_read_for_reading_and_write_for_changes() {
    for database in test_databases().await {
        let (app, owner) = clinic(&database).await;
        let case = create_case(&app, &owner, json!({})).await;
        let reader = create_token(&app, &owner, &["read"]).await["secret"].as_str().unwrap().to_owned();
        let writer = create_token(&app, &owner, &["write"]).await["secret"].as_str().unwrap().to_owned();
        let id = &case.case.id;
        let read_case = as_token(&app, &reader, Method::GET, &format!("/api/v1/cases/{id}")).send().await.unwrap();
        assert_eq!(read_case.status(), 200);
        let create = |secret: &str| as_token(&app, secret, Method::POST, "/api/v1/cases").json(&json!({})).send();
        assert_eq!(create(&reader).await.unwrap().status(), StatusCode::FORBIDDEN);
        assert_eq!(create(&writer).await.unwrap().status(), StatusCode::CREATED);
        let audit = as_token(&app, &writer, Method::GET, "/api/v1/audit").send().await.unwrap();
        assert_eq!(audit.status(), 403);
    }
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_even_in_the_database() {
    for database in test_databases().await {
        let (app, owner) = clinic(&database).await;
        create_case(&app, &owner, json!({})).await;
        let db = connect(&database).await;
        let refused = match &db {
            trayforge_server::storage::Database::Sqlite(pool) => (
                sqlx::query("UPDATE audit_events SET action = 'nothing'").execute(pool).await.is_err(),
                sqlx::query("DELETE FROM audit_events").execute(pool).await.is_err(),
            ),
            trayforge_server::storage::Database::Postgres(pool) => (
                sqlx::query("UPDATE audit_events SET action = 'nothing'").execute(pool).await.is_err(),
                sqlx::query("DELETE FROM audit_events").execute(pool).await.is_err(),
            ),
        };
        assert_eq!(refused, (true, true));
        let audit: Page<AuditEventView> =
            send(&app, &owner, Method::GET, "/api/v1/audit", Value::Null).await.json().await.unwrap();
        assert_eq!(audit.items[0].action, "case.create");
    }
}
