//! Preparation over HTTP on every backend: uploads marked as prepared from
//! an original, the clinic's recipe, the prepare job end to end on the
//! corpus arches (polled until done, repeated without duplicates), failing
//! recipes, exports as ZIP and 3MF, and another clinic seeing none of it.

use std::io::Read;

use reqwest::{Method, Response};
use serde_json::{Value, json};
use trayforge_server::storage::jobs::{self, JobStatus, NewJob};
use trayforge_server::storage::prepare_runs::PREPARE_JOB;
use trayforge_wire::{CaseDetail, ErrorBody, FileView, PrepareRunView, Recipe, StageView};
use uuid::Uuid;

use crate::people::{Session, as_session, create_user, login, seed_owner, spawn};
use crate::support::{TestApp, TestDatabase, connect, corpus, test_databases, wait_for};

/// Repair, a flat plate under the whole arch, and the engraved label with
/// its code on the plate's bottom: the default recipe, written out.
fn base_and_label() -> Value {
    json!({ "repair": true, "base": { "cut_height_mm": 1.0, "base_height_mm": 3.0, "plate": true }, "label": {} })
}

/// Repair and a flat plate, no label.
fn base_only() -> Value {
    json!({ "repair": true, "base": { "cut_height_mm": 1.0, "base_height_mm": 3.0 }, "label": null })
}

/// A recipe no model takes: 30 mm letters.
fn label_too_large() -> Value {
    json!({ "repair": false, "base": {}, "label": { "letter_height_mm": 30.0, "code": false } })
}

struct Clinic {
    app: TestApp,
    owner: Session,
}

/// Clinic A with its owner signed in, and clinic B's owner on the same server.
async fn clinics(database: &TestDatabase) -> (Clinic, Session) {
    seed_owner(database, "Smile Lab", "owner@smile.example").await;
    seed_owner(database, "Other Lab", "owner@other.example").await;
    let app = spawn(database).await;
    let owner = login(&app, "owner@smile.example").await;
    let other = login(&app, "owner@other.example").await;
    (Clinic { app, owner }, other)
}

async fn send(app: &TestApp, session: &Session, method: Method, path: &str, body: Value) -> Response {
    let request = as_session(app, session, method, &format!("/api/v1{path}"), true);
    let request = if body.is_null() { request } else { request.json(&body) };
    request.send().await.unwrap()
}

async fn json_of<T: serde::de::DeserializeOwned>(response: Response, status: u16) -> T {
    let got = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The error's field and message, after checking the status.
async fn error_of(response: Response, status: u16) -> (Option<String>, String) {
    let body: ErrorBody = json_of(response, status).await;
    (body.error.field, body.error.message)
}

/// A new case of the session's clinic: its id and patient code.
async fn new_case(app: &TestApp, session: &Session) -> (String, String) {
    let created: CaseDetail =
        json_of(send(app, session, Method::POST, "/cases", json!({ "title": "Prep" })).await, 201).await;
    (created.case.id, created.case.patient.code)
}

async fn upload(app: &TestApp, session: &Session, case: &str, stage: &str, query: &str, bytes: Vec<u8>) -> Response {
    let path = format!("/api/v1/cases/{case}/stages/{stage}/models{query}");
    as_session(app, session, Method::POST, &path, true).body(bytes).send().await.unwrap()
}

fn corpus_arch(arch: &str) -> Vec<u8> {
    std::fs::read(corpus(&format!("public/dental/ref_{arch}_tag0.stl"))).unwrap()
}

/// A closed tetrahedron as binary STL.
fn tetrahedron() -> Vec<u8> {
    let corners = [[0.0f32, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]];
    let mut bytes = vec![0u8; 80];
    bytes.extend_from_slice(&4u32.to_le_bytes());
    for face in [[0, 2, 1], [0, 1, 3], [1, 2, 3], [0, 3, 2]] {
        bytes.extend_from_slice(&[0u8; 12]);
        for corner in face {
            corners[corner].iter().for_each(|c| bytes.extend_from_slice(&c.to_le_bytes()));
        }
        bytes.extend_from_slice(&[0, 0]);
    }
    bytes
}

async fn stages(app: &TestApp, session: &Session, case: &str) -> Vec<StageView> {
    let detail: CaseDetail =
        json_of(send(app, session, Method::GET, &format!("/cases/{case}"), Value::Null).await, 200).await;
    detail.stages
}

/// Asks for a run and polls it until it is no longer queued or running.
async fn prepare(app: &TestApp, session: &Session, case: &str, body: Value) -> PrepareRunView {
    let queued: PrepareRunView =
        json_of(send(app, session, Method::POST, &format!("/cases/{case}/prepare"), body).await, 202).await;
    assert_eq!((queued.case_id.as_str(), queued.finished_at.as_deref()), (case, None));
    let path = format!("/cases/{case}/prepare/{}", queued.id);
    wait_for("the prepare run to finish", || async {
        let run: PrepareRunView = json_of(send(app, session, Method::GET, &path, Value::Null).await, 200).await;
        (run.status != "queued" && run.status != "running").then_some(run)
    })
    .await
}

#[tokio::test]
async fn an_upload_prepared_from_a_version_of_its_stage_is_a_new_version_and_anything_else_is_refused() {
    for database in test_databases().await {
        let (Clinic { app, owner }, other) = clinics(&database).await;
        let (case, _) = new_case(&app, &owner).await;
        let original: FileView = json_of(upload(&app, &owner, &case, "upper/3", "", tetrahedron()).await, 201).await;
        assert_eq!(original.prepared_from, None);

        let query = format!("?prepared_from={}", original.id);
        let prepared: FileView =
            json_of(upload(&app, &owner, &case, "upper/3", &query, tetrahedron()).await, 201).await;
        assert_eq!((prepared.version, prepared.prepared_from.as_deref()), (2, Some(original.id.as_str())));
        // A version prepared from a prepared one names the original it stands for.
        let again = format!("?prepared_from={}", prepared.id);
        let again: FileView = json_of(upload(&app, &owner, &case, "upper/3", &again, tetrahedron()).await, 201).await;
        assert_eq!(again.prepared_from.as_deref(), Some(original.id.as_str()));
        let models = &stages(&app, &owner, &case).await[0].models;
        assert_eq!(models.iter().map(|m| m.version).collect::<Vec<_>>(), [1, 2, 3], "the original is kept");
        assert_eq!(models[0], original);

        // Another stage of the case, another clinic's model: 404 naming the field; no id at all: 422.
        let (field, message) = error_of(upload(&app, &owner, &case, "upper/4", &query, tetrahedron()).await, 404).await;
        assert_eq!(field.as_deref(), Some("prepared_from"));
        assert!(message.contains("upper stage 4") && message.contains("leave prepared_from out"), "{message}");
        let (field, _) = error_of(upload(&app, &owner, &case, "lower/3", &query, tetrahedron()).await, 404).await;
        assert_eq!(field.as_deref(), Some("prepared_from"));
        let (field, _) =
            error_of(upload(&app, &owner, &case, "upper/3", "?prepared_from=x", tetrahedron()).await, 422).await;
        assert_eq!(field.as_deref(), Some("prepared_from"));
        let (their_case, _) = new_case(&app, &other).await;
        let theirs: FileView =
            json_of(upload(&app, &other, &their_case, "upper/3", "", tetrahedron()).await, 201).await;
        let foreign = format!("?prepared_from={}", theirs.id);
        let (field, _) = error_of(upload(&app, &owner, &case, "upper/3", &foreign, tetrahedron()).await, 404).await;
        assert_eq!(field.as_deref(), Some("prepared_from"));
        // And clinic B cannot mark its upload as prepared from clinic A's model.
        let (field, _) = error_of(upload(&app, &other, &their_case, "upper/3", &query, tetrahedron()).await, 404).await;
        assert_eq!(field.as_deref(), Some("prepared_from"));
        assert_eq!(stages(&app, &owner, &case).await[0].models.len(), 3, "no refused upload was added");
    }
}

async fn read_recipe(app: &TestApp, session: &Session) -> Response {
    send(app, session, Method::GET, "/recipe", Value::Null).await
}

#[tokio::test]
async fn the_clinics_recipe_is_the_default_until_saved_checked_field_by_field_and_its_own() {
    for database in test_databases().await {
        let (Clinic { app, owner }, other) = clinics(&database).await;
        let first: Recipe = json_of(read_recipe(&app, &owner).await, 200).await;
        assert_eq!(first, Recipe::default());

        let saved: Recipe = json_of(send(&app, &owner, Method::PUT, "/recipe", base_only()).await, 200).await;
        assert_eq!(saved.label, None);
        let again: Recipe = json_of(read_recipe(&app, &owner).await, 200).await;
        assert_eq!(again, saved);
        let theirs: Recipe = json_of(read_recipe(&app, &other).await, 200).await;
        assert_eq!(theirs, Recipe::default(), "clinic B never sees clinic A's recipe");

        let tall = json!({ "base": { "base_height_mm": 500.0 } });
        let (field, message) = error_of(send(&app, &owner, Method::PUT, "/recipe", tall).await, 422).await;
        assert_eq!(field.as_deref(), Some("base.base_height_mm"));
        assert!(message.contains("500") && message.contains("from 0.1 to 30 mm"), "{message}");
        let no_base = json!({ "base": null, "label": {} });
        let (field, message) = error_of(send(&app, &owner, Method::PUT, "/recipe", no_base).await, 422).await;
        assert_eq!(field.as_deref(), Some("label"));
        assert!(message.contains("turn the base on"), "{message}");
        let unknown = json!({ "base": { "height": 3.0 } });
        assert_eq!(send(&app, &owner, Method::PUT, "/recipe", unknown).await.status(), 400);
        assert_eq!(
            json_of::<Recipe>(read_recipe(&app, &owner).await, 200).await,
            saved,
            "refused recipes change nothing"
        );

        for (email, role, status) in
            [("tech@smile.example", "technician", 200), ("doc@smile.example", "clinician", 403)]
        {
            assert_eq!(create_user(&app, &owner, email, role).await.status(), 201);
            let person = login(&app, email).await;
            assert_eq!(read_recipe(&app, &person).await.status(), 200, "every role reads the recipe");
            assert_eq!(send(&app, &person, Method::PUT, "/recipe", json!({})).await.status(), status, "{role} saves");
        }
        let audit: Value = json_of(send(&app, &owner, Method::GET, "/audit", Value::Null).await, 200).await;
        let saves = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "recipe.save").count();
        assert_eq!(saves, 2, "the owner's and the technician's saves are audited");
    }
}

#[tokio::test]
async fn the_prepare_job_adds_a_watertight_prepared_version_per_stage_and_a_repeat_adds_none() {
    for database in test_databases().await {
        let (Clinic { app, owner }, _) = clinics(&database).await;
        let (case, _) = new_case(&app, &owner).await;
        for stage in ["upper/0", "upper/1", "lower/0", "lower/1"] {
            let arch = corpus_arch(stage.split('/').next().unwrap());
            assert_eq!(upload(&app, &owner, &case, stage, "", arch).await.status(), 201);
        }
        let body = json!({ "recipe": base_and_label() });
        let run = prepare(&app, &owner, &case, body.clone()).await;
        assert_eq!((run.status.as_str(), run.total, run.done, run.failed.len()), ("done", 4, 4, 0), "{run:?}");
        assert!(run.finished_at.is_some());

        let before = stages(&app, &owner, &case).await;
        for stage in &before {
            let [original, prepared] = stage.models.as_slice() else { panic!("two versions: {stage:?}") };
            assert_eq!(prepared.prepared_from.as_deref(), Some(original.id.as_str()), "{} {}", stage.arch, stage.index);
            let report = prepared.report.as_ref().unwrap();
            assert!(report.watertight && report.non_manifold_edges == 0, "{report:?}");
            assert_eq!((report.components, report.orientation.as_str()), (1, "outward"), "{report:?}");
            assert_eq!(report.bounds.as_ref().unwrap().min[2], 0.0, "stored standing on its base: {report:?}");
            assert_eq!((report.format.as_str(), prepared.content_type.as_str()), ("binary_stl", "model/stl"));
            assert_ne!(prepared.sha256, original.sha256);
        }

        // The same recipe again: every stage is found done, nothing is added.
        let repeat = prepare(&app, &owner, &case, body).await;
        assert_eq!((repeat.status.as_str(), repeat.done, repeat.failed.len()), ("done", 4, 0));
        assert_ne!(repeat.id, run.id);
        assert_eq!(stages(&app, &owner, &case).await, before);

        // The first run's job handled again, as after a worker crashed past the
        // work: it counts every stage done and adds nothing.
        let db = connect(&database).await;
        let clinic_id: Uuid = owner.login.clinic.id.parse().unwrap();
        let again = NewJob::new(clinic_id, PREPARE_JOB, json!({ "run_id": run.id }));
        jobs::enqueue(&db, &again).await.unwrap();
        wait_for("the repeated job to finish", || async {
            let job = jobs::get(&db, clinic_id, again.id).await.unwrap().unwrap();
            (job.status == JobStatus::Done).then_some(())
        })
        .await;
        let rerun: PrepareRunView = json_of(
            send(&app, &owner, Method::GET, &format!("/cases/{case}/prepare/{}", run.id), Value::Null).await,
            200,
        )
        .await;
        assert_eq!((rerun.status.as_str(), rerun.done, rerun.failed.len()), ("done", 4, 0));
        assert_eq!(stages(&app, &owner, &case).await, before);
        db.close().await;

        // Another recipe on one stage named: only that stage gets a version, from its original.
        let taller = json!({ "recipe": { "repair": true, "base": { "base_height_mm": 4.0 }, "label": null },
                             "stages": [{ "arch": "lower", "index": 1 }] });
        let one = prepare(&app, &owner, &case, taller).await;
        assert_eq!((one.total, one.done), (1, 1));
        let after = stages(&app, &owner, &case).await;
        let lower_1 = after.iter().find(|s| s.arch == "lower" && s.index == 1).unwrap();
        assert_eq!(lower_1.models.len(), 3);
        assert_eq!(lower_1.models[2].prepared_from.as_deref(), Some(lower_1.models[0].id.as_str()));
        assert_eq!(after.iter().map(|s| s.models.len()).sum::<usize>(), 9);
    }
}

#[tokio::test]
async fn the_prepare_job_makes_an_open_scan_and_a_plan_of_gum_and_teeth_one_solid_each_standing_at_z_0() {
    for database in test_databases().await {
        let (Clinic { app, owner }, _) = clinics(&database).await;
        let (case, _) = new_case(&app, &owner).await;
        for (stage, file) in [("upper/0", "upper_scan_open"), ("lower/0", "lower_plan_shells")] {
            let bytes = std::fs::read(corpus(&format!("realistic/{file}.stl"))).unwrap();
            assert_eq!(upload(&app, &owner, &case, stage, "", bytes).await.status(), 201);
        }
        // The case's status follows its models: ready once uploaded, prepared once every stage is.
        let status = |detail: CaseDetail| detail.case.status;
        let path = format!("/cases/{case}");
        let detail = json_of(send(&app, &owner, Method::GET, &path, Value::Null).await, 200).await;
        assert_eq!(status(detail), "models_ready");
        let run = prepare(&app, &owner, &case, json!({ "recipe": base_and_label() })).await;
        assert_eq!((run.status.as_str(), run.done, run.failed.len()), ("done", 2, 0), "{run:?}");
        let detail = json_of(send(&app, &owner, Method::GET, &path, Value::Null).await, 200).await;
        assert_eq!(status(detail), "prepared");
        // Each prepared version's audit entry records the frame the recipe used.
        let activity: Value =
            json_of(send(&app, &owner, Method::GET, &format!("/cases/{case}/activity"), Value::Null).await, 200).await;
        let frames: Vec<String> = activity["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "file.prepare")
            .map(|e| e["details"]["frame"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(frames.len(), 2, "{activity}");
        assert!(frames.iter().any(|f| f.ends_with("found from the scan's open rim")), "{frames:?}");
        assert!(frames.iter().any(|f| f.ends_with("found from the teeth's detail")), "{frames:?}");
        for stage in stages(&app, &owner, &case).await {
            let [original, prepared] = stage.models.as_slice() else { panic!("two versions: {stage:?}") };
            let before = original.report.as_ref().unwrap();
            assert!(!before.watertight || before.components > 1, "the original is open or in pieces: {before:?}");
            let report = prepared.report.as_ref().unwrap();
            assert!(report.watertight && report.non_manifold_edges == 0, "{} {report:?}", stage.arch);
            assert_eq!((report.components, report.orientation.as_str()), (1, "outward"), "{report:?}");
            assert_eq!(report.bounds.as_ref().unwrap().min[2], 0.0);
        }
    }
}

#[tokio::test]
async fn a_recipe_that_fails_lists_each_stage_with_the_pipelines_message_and_adds_nothing() {
    for database in test_databases().await {
        let (Clinic { app, owner }, _) = clinics(&database).await;
        let (case, _) = new_case(&app, &owner).await;
        assert_eq!(upload(&app, &owner, &case, "lower/2", "", corpus_arch("lower")).await.status(), 201);
        let run = prepare(&app, &owner, &case, json!({ "recipe": label_too_large() })).await;
        assert_eq!((run.status.as_str(), run.total, run.done), ("done", 1, 0), "{run:?}");
        let [failure] = run.failed.as_slice() else { panic!("one failure: {run:?}") };
        assert_eq!((failure.arch.as_str(), failure.index), ("lower", 2));
        assert!(failure.message.starts_with("label: ") && failure.message.contains("smaller letters"), "{failure:?}");
        assert_eq!(stages(&app, &owner, &case).await[0].models.len(), 1);

        // Requests the job could not run are refused before anything is queued: a stage
        // without a model is a conflict with the case as it is (409), a bad recipe a 422.
        let path = format!("/cases/{case}/prepare");
        let missing = json!({ "stages": [{ "arch": "upper", "index": 2 }] });
        let (field, message) = error_of(send(&app, &owner, Method::POST, &path, missing).await, 409).await;
        assert_eq!(field.as_deref(), Some("stages"));
        assert!(message.contains("upper stage 2") && message.contains("upload one first"), "{message}");
        let bad = json!({ "recipe": { "base": { "chamfer_mm": -1.0 } } });
        let (field, _) = error_of(send(&app, &owner, Method::POST, &path, bad).await, 422).await;
        assert_eq!(field.as_deref(), Some("recipe.base.chamfer_mm"));
        assert_eq!(send(&app, &owner, Method::POST, &path, json!({ "stage": [] })).await.status(), 400);
        let (empty, _) = new_case(&app, &owner).await;
        let (field, message) =
            error_of(send(&app, &owner, Method::POST, &format!("/cases/{empty}/prepare"), Value::Null).await, 409)
                .await;
        assert_eq!(field.as_deref(), Some("stages"));
        assert!(message.contains("no models yet"), "{message}");
    }
}

/// The export's bytes after checking its status, type and file name.
async fn export(app: &TestApp, session: &Session, case: &str, query: &str, code: &str, extension: &str) -> Vec<u8> {
    let response = send(app, session, Method::GET, &format!("/cases/{case}/export{query}"), Value::Null).await;
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert_eq!(disposition, format!("attachment; filename=\"{code}.{extension}\""));
    response.bytes().await.unwrap().to_vec()
}

/// Every entry of a ZIP: name and bytes.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().unwrap().into_owned(), content)
        })
        .collect()
}

#[tokio::test]
async fn exports_take_each_stages_prepared_version_as_named_stl_files_or_one_3mf() {
    for database in test_databases().await {
        let (Clinic { app, owner }, _) = clinics(&database).await;
        let (case, code) = new_case(&app, &owner).await;
        let (field, message) = {
            let response = send(&app, &owner, Method::GET, &format!("/cases/{case}/export"), Value::Null).await;
            let body: ErrorBody = json_of(response, 404).await;
            (body.error.field, body.error.message)
        };
        assert!(field.is_none() && message.contains("upload them first"), "{message}");

        for stage in ["upper/0", "lower/1"] {
            let arch = corpus_arch(stage.split('/').next().unwrap());
            assert_eq!(upload(&app, &owner, &case, stage, "", arch).await.status(), 201);
        }
        let only_upper = json!({ "recipe": base_only(), "stages": [{ "arch": "upper", "index": 0 }] });
        assert_eq!(prepare(&app, &owner, &case, only_upper).await.done, 1);
        let stages = stages(&app, &owner, &case).await;
        let triangles = |stage: &StageView, version: usize| stage.models[version].report.as_ref().unwrap().triangles;
        // Upper 0 is prepared (its second version goes), lower 1 is not (its
        // only one goes, named as not prepared).
        let expected = [
            (format!("{code}_U00.stl"), triangles(&stages[0], 1)),
            (format!("{code}_L01_not-prepared.stl"), triangles(&stages[1], 0)),
        ];

        let files = unzip(&export(&app, &owner, &case, "?format=zip", &code, "zip").await);
        let got: Vec<(String, usize)> = files
            .iter()
            .map(|(name, bytes)| {
                let read = mesh_core::read(bytes).unwrap();
                assert_eq!(read.format, mesh_core::SourceFormat::BinaryStl, "{name}");
                assert!(mesh_core::validate(&read.mesh).watertight, "{name} is watertight");
                (name.clone(), read.mesh.triangle_count())
            })
            .collect();
        assert_eq!(got, expected);
        let lower = unzip(&export(&app, &owner, &case, "?arch=lower&stage=1", &code, "zip").await);
        let names: Vec<String> = lower.iter().map(|(name, _)| name.clone()).collect();
        assert_eq!(names, [format!("{code}_L01_not-prepared.stl")]);
        let none =
            send(&app, &owner, Method::GET, &format!("/cases/{case}/export?arch=lower&stage=0"), Value::Null).await;
        assert!(error_of(none, 404).await.1.contains("for lower stage 0"));
        let (field, _) = error_of(
            send(&app, &owner, Method::GET, &format!("/cases/{case}/export?format=obj"), Value::Null).await,
            422,
        )
        .await;
        assert_eq!(field.as_deref(), Some("format"));

        let package = export(&app, &owner, &case, "?format=3mf", &code, "3mf").await;
        let read = mesh_core::read(&package).unwrap();
        assert_eq!(read.format, mesh_core::SourceFormat::ThreeMf);
        assert_eq!(read.mesh.triangle_count(), expected.iter().map(|(_, t)| t).sum::<usize>());
        let parts = unzip(&package);
        let (_, model) = parts.iter().find(|(name, _)| name.ends_with(".model")).unwrap();
        let model = String::from_utf8_lossy(model);
        assert_eq!(model.matches("<object ").count(), 2, "one object per model");
        for name in [format!("{code}_U00"), format!("{code}_L01_not-prepared")] {
            assert!(model.contains(&format!("name=\"{name}\"")), "{name} in the 3MF");
        }
        let activity: Value =
            json_of(send(&app, &owner, Method::GET, &format!("/cases/{case}/activity"), Value::Null).await, 200).await;
        let exports = activity["items"].as_array().unwrap().iter().filter(|e| e["action"] == "case.export").count();
        assert_eq!(exports, 3, "each export is audited");
    }
}

#[tokio::test]
async fn another_clinic_never_prepares_sees_or_exports_a_clinics_case_or_run() {
    for database in test_databases().await {
        let (Clinic { app, owner }, other) = clinics(&database).await;
        let (case, _) = new_case(&app, &owner).await;
        assert_eq!(upload(&app, &owner, &case, "upper/1", "", tetrahedron()).await.status(), 201);
        let run =
            prepare(&app, &owner, &case, json!({ "recipe": { "repair": false, "base": null, "label": null } })).await;
        assert_eq!(run.done, 1);
        let (their_case, _) = new_case(&app, &other).await;
        for (method, path) in [
            (Method::POST, format!("/cases/{case}/prepare")),
            (Method::GET, format!("/cases/{case}/prepare/{}", run.id)),
            (Method::GET, format!("/cases/{their_case}/prepare/{}", run.id)),
            (Method::GET, format!("/cases/{case}/export")),
        ] {
            let response = send(&app, &other, method.clone(), &path, Value::Null).await;
            let body = response.text().await.unwrap();
            let error: ErrorBody = serde_json::from_str(&body).unwrap();
            assert_eq!(error.error.code, "not_found", "{method} {path}");
            assert!(!body.contains(&case) && !body.contains(&run.id), "{body}");
        }
        assert_eq!(stages(&app, &owner, &case).await[0].models.len(), 2, "clinic B changed nothing");
    }
}
