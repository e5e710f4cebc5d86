//! The authorization matrix: for every operation of the API, the status
//! each kind of caller gets, asserted against the real application on
//! every backend; and the checks that the matrix and the OpenAPI document
//! name the same operations and agree on who may call them.
//!
//! Adding an operation: add its row to `MATRIX` (the statuses, a body that
//! passes validation, and what fills its `{…}` placeholders, in `Ids`). An
//! operation the document has and the matrix lacks fails
//! `the_matrix_has_a_row_for_every_operation_of_the_document`.
//!
//! The callers: the four roles of clinic A, whose resources fill the paths;
//! the owner of clinic B (another tenant: clinic A's resources must answer
//! it 404, as if they did not exist); nobody; and three API tokens of
//! clinic A, one per scope.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use trayforge_wire::ErrorBody;

use crate::people::{PASSWORD, Session, as_session, create_token, create_user, login, seed_owner};
use crate::support::{TestApp, TestDatabase, spawn_app, spawn_app_with, test_databases};

/// Where the document's paths (and the matrix's) live.
const API: &str = "/api/v1";

const GET: &str = "GET";
const POST: &str = "POST";
const PUT: &str = "PUT";
const PATCH: &str = "PATCH";
const DELETE: &str = "DELETE";

/// The columns of `MATRIX`, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
    Owner,
    Admin,
    Clinician,
    Technician,
    /// The owner of clinic B, calling on clinic A's resources.
    OtherClinic,
    Anonymous,
    TokenRead,
    TokenWrite,
    TokenProduction,
}

impl Caller {
    const ALL: [Caller; 9] = [
        Caller::Owner,
        Caller::Admin,
        Caller::Clinician,
        Caller::Technician,
        Caller::OtherClinic,
        Caller::Anonymous,
        Caller::TokenRead,
        Caller::TokenWrite,
        Caller::TokenProduction,
    ];

    fn name(self) -> &'static str {
        match self {
            Caller::Owner => "owner",
            Caller::Admin => "admin",
            Caller::Clinician => "clinician",
            Caller::Technician => "technician",
            Caller::OtherClinic => "other clinic",
            Caller::Anonymous => "anonymous",
            Caller::TokenRead => "token read",
            Caller::TokenWrite => "token write",
            Caller::TokenProduction => "token production",
        }
    }

    /// The role of a clinic A session.
    fn role(self) -> Option<&'static str> {
        match self {
            Caller::Owner => Some("owner"),
            Caller::Admin => Some("admin"),
            Caller::Clinician => Some("clinician"),
            Caller::Technician => Some("technician"),
            _ => None,
        }
    }

    /// The one scope of a clinic A token.
    fn scope(self) -> Option<&'static str> {
        match self {
            Caller::TokenRead => Some("read"),
            Caller::TokenWrite => Some("write"),
            Caller::TokenProduction => Some("production"),
            _ => None,
        }
    }

    /// Who signs in, for a session caller.
    fn email(self) -> Option<&'static str> {
        match self {
            Caller::Owner => Some("owner@a.example"),
            Caller::Admin => Some("admin@a.example"),
            Caller::Clinician => Some("clinician@a.example"),
            Caller::Technician => Some("technician@a.example"),
            Caller::OtherClinic => Some("owner@b.example"),
            _ => None,
        }
    }

    fn column(self) -> usize {
        Caller::ALL.iter().position(|caller| *caller == self).unwrap_or_default()
    }
}

/// What fills a path's `{…}` placeholders: always clinic A's resources
/// (`Fixture::fill` has one arm per variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ids {
    /// The path has no placeholder.
    None,
    /// `{id}`: a clinician of clinic A whom no caller signs in as (the one accounts are changed on).
    Colleague,
    /// `{id}`: clinic A's owner (the `owner` caller).
    Owner,
    /// `{id}`: clinic A's case.
    Case,
    /// `{id}`, `{arch}`, `{index}`: a stage of clinic A's case.
    CaseStage,
    /// `{id}`: a case of clinic A made for this one request (the request may delete it).
    FreshCase,
    /// `{id}`: the model file uploaded to clinic A's case.
    File,
    /// `{id}`, `{run_id}`: clinic A's case and a prepare run of it.
    PrepareRun,
    /// `{id}`: an API token made for this one request (the request may revoke it).
    FreshToken,
    /// `{id}`: a webhook of clinic A made for this one request (the request may delete it).
    FreshWebhook,
}

/// What a row sends: JSON made from the fixture and a number unique to the
/// request (for emails and names that must not repeat), or raw bytes.
#[derive(Debug, Clone, Copy)]
enum Body {
    None,
    Json(fn(&Fixture, usize) -> Value),
    Bytes(fn() -> Vec<u8>),
}

/// One operation, or one case of an operation (`variant`), and the status
/// each caller gets, in `Caller::ALL` order.
#[derive(Debug, Clone, Copy)]
struct Row {
    method: &'static str,
    /// As in the document: relative to `/api/v1`, with `{…}` placeholders.
    path: &'static str,
    /// Empty for an operation's main row; else what this extra row checks.
    variant: &'static str,
    expect: [u16; 9],
    body: Body,
    ids: Ids,
    /// The request ends the session it is sent with: each session caller
    /// signs in afresh for it, so later rows keep theirs.
    own_session: bool,
}

const fn row(method: &'static str, path: &'static str, expect: [u16; 9]) -> Row {
    Row { method, path, variant: "", expect, body: Body::None, ids: Ids::None, own_session: false }
}

impl Row {
    const fn json(self, body: fn(&Fixture, usize) -> Value) -> Row {
        Row { body: Body::Json(body), ..self }
    }

    const fn bytes(self, body: fn() -> Vec<u8>) -> Row {
        Row { body: Body::Bytes(body), ..self }
    }

    const fn ids(self, ids: Ids) -> Row {
        Row { ids, ..self }
    }

    const fn variant(self, variant: &'static str) -> Row {
        Row { variant, ..self }
    }

    const fn own_session(self) -> Row {
        Row { own_session: true, ..self }
    }

    fn operation(&self) -> String {
        let variant = if self.variant.is_empty() { String::new() } else { format!(" ({})", self.variant) };
        format!("{} {}{variant}", self.method, self.path)
    }
}

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    //                                                        owner admin clin  tech  other anon  read  write prod
    row(POST,   "/auth/login",                               [200,  200,  200,  200,  200,  200,  200,  200,  200])
        .json(|_, _| json!({ "email": "technician@a.example", "password": PASSWORD })),
    // A token is refused for what it is: logout ends a browser session.
    row(POST,   "/auth/logout",                              [204,  204,  204,  204,  204,  401,  403,  403,  403]).own_session(),
    row(GET,    "/me",                                       [200,  200,  200,  200,  200,  401,  200,  200,  200]),
    row(GET,    "/users",                                    [200,  200,  403,  403,  200,  401,  403,  403,  403]),
    row(POST,   "/users",                                    [201,  201,  403,  403,  201,  401,  403,  403,  403])
        .json(|_, n| json!({ "email": format!("new{n}@example.org"), "role": "clinician", "password": PASSWORD })),
    row(POST,   "/users",                                    [201,  403,  403,  403,  201,  401,  403,  403,  403])
        .variant("role owner: only an owner makes owners")
        .json(|_, n| json!({ "email": format!("new{n}@example.org"), "role": "owner", "password": PASSWORD })),
    row(POST,   "/me/password",                              [204,  204,  204,  204,  204,  401,  403,  403,  403])
        .json(|_, _| json!({ "current_password": PASSWORD, "new_password": PASSWORD })),
    row(PATCH,  "/users/{id}",                               [200,  200,  403,  403,  404,  401,  403,  403,  403]).ids(Ids::Colleague)
        .json(|_, n| json!({ "display_name": format!("Colleague {n}") })),
    row(PATCH,  "/users/{id}",                               [200,  403,  403,  403,  404,  401,  403,  403,  403]).ids(Ids::Owner)
        .variant("an owner's account: only owners change it")
        .json(|_, n| json!({ "display_name": format!("Owner {n}") })),
    row(POST,   "/users/{id}/password",                      [204,  204,  403,  403,  404,  401,  403,  403,  403]).ids(Ids::Colleague)
        .json(|_, _| json!({ "new_password": PASSWORD })),
    row(GET,    "/tokens",                                   [200,  200,  403,  403,  200,  401,  403,  403,  403]),
    row(POST,   "/tokens",                                   [201,  201,  403,  403,  201,  401,  403,  403,  403])
        .json(|_, n| json!({ "name": format!("integration {n}"), "scopes": ["read"] })),
    row(DELETE, "/tokens/{id}",                              [204,  204,  403,  403,  404,  401,  403,  403,  403]).ids(Ids::FreshToken),
    row(GET,    "/cases",                                    [200,  200,  200,  200,  200,  401,  200,  403,  403]),
    row(POST,   "/cases",                                    [201,  201,  201,  403,  201,  401,  403,  201,  403])
        .json(|_, n| json!({ "patient": { "full_name": format!("Patient {n}") }, "title": format!("Case {n}") })),
    row(GET,    "/cases/{id}",                               [200,  200,  200,  200,  404,  401,  200,  403,  403]).ids(Ids::Case),
    row(PATCH,  "/cases/{id}",                               [200,  200,  200,  403,  404,  401,  403,  200,  403]).ids(Ids::Case)
        .json(|_, n| json!({ "notes": format!("note {n}") })),
    row(DELETE, "/cases/{id}",                               [204,  204,  204,  403,  404,  401,  403,  204,  403]).ids(Ids::FreshCase),
    // Technicians upload models too; only `write` tokens do.
    row(POST,   "/cases/{id}/stages/{arch}/{index}/models",  [201,  201,  201,  201,  404,  401,  403,  201,  403]).ids(Ids::CaseStage)
        .bytes(tetrahedron_stl),
    row(POST,   "/cases/{id}/photos",                        [201,  201,  201,  403,  404,  401,  403,  201,  403]).ids(Ids::Case)
        .bytes(png_photo),
    row(GET,    "/cases/{id}/activity",                      [200,  200,  200,  200,  404,  401,  200,  403,  403]).ids(Ids::Case),
    row(GET,    "/files/{id}/content",                       [200,  200,  200,  200,  404,  401,  200,  403,  403]).ids(Ids::File),
    // Every role reads the clinic's recipe; clinicians do not change it.
    row(GET,    "/recipe",                                   [200,  200,  200,  200,  200,  401,  200,  403,  403]),
    row(PUT,    "/recipe",                                   [200,  200,  403,  200,  200,  401,  403,  200,  403])
        .json(|_, n| json!({ "repair": true, "base": { "cut_height_mm": 1.0, "base_height_mm": 2.0 + n as f64 / 1000.0 }, "label": null })),
    row(POST,   "/cases/{id}/prepare",                       [202,  202,  202,  202,  404,  401,  403,  202,  403]).ids(Ids::Case)
        .json(|_, _| json!({ "recipe": { "repair": false, "base": null, "label": null }, "stages": [{ "arch": "upper", "index": 1 }] })),
    row(GET,    "/cases/{id}/prepare/{run_id}",              [200,  200,  200,  200,  404,  401,  200,  403,  403]).ids(Ids::PrepareRun),
    row(GET,    "/cases/{id}/export",                        [200,  200,  200,  200,  404,  401,  200,  403,  403]).ids(Ids::Case),
    row(GET,    "/webhooks",                                 [200,  200,  403,  403,  200,  401,  403,  403,  403]),
    row(POST,   "/webhooks",                                 [201,  201,  403,  403,  201,  401,  403,  403,  403])
        .json(|_, _| webhook_body()),
    row(DELETE, "/webhooks/{id}",                            [204,  204,  403,  403,  404,  401,  403,  403,  403]).ids(Ids::FreshWebhook),
    row(GET,    "/audit",                                    [200,  200,  403,  403,  200,  401,  403,  403,  403]),
];

/// A webhook that refuses connections (port 9, discard, is closed): deliveries fail fast and stay local.
fn webhook_body() -> Value {
    json!({ "url": "https://pms.example/trayforge", "events": ["case.created"] })
}

/// A closed tetrahedron as binary STL: a model any upload accepts.
fn tetrahedron_stl() -> Vec<u8> {
    let corners = [[0.0f32, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]];
    let faces = [[0, 2, 1], [0, 1, 3], [1, 2, 3], [0, 3, 2]];
    let mut bytes = vec![0u8; 80];
    bytes.extend_from_slice(&4u32.to_le_bytes());
    for face in faces {
        bytes.extend_from_slice(&[0u8; 12]);
        for corner in face {
            for coordinate in corners[corner] {
                bytes.extend_from_slice(&coordinate.to_le_bytes());
            }
        }
        bytes.extend_from_slice(&[0, 0]);
    }
    bytes
}

/// What the photo upload tells a PNG by: its signature, then an image header.
fn png_photo() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(b"\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0");
    bytes
}

/// Two clinics, a session per caller, a token per scope, clinic A's case
/// and file, and what clinic B must never see.
struct Fixture {
    app: TestApp,
    sessions: HashMap<Caller, Session>,
    tokens: HashMap<Caller, String>,
    owner_id: String,
    colleague_id: String,
    case_id: String,
    file_id: String,
    /// A prepare run of the case.
    run_id: String,
    /// Ids, emails, names and codes of clinic A: no answer to clinic B may contain one.
    clinic_a_secrets: Vec<String>,
    requests: usize,
}

impl Fixture {
    async fn new(database: &TestDatabase) -> Fixture {
        seed_owner(database, "Clinic A", "owner@a.example").await;
        seed_owner(database, "Clinic B", "owner@b.example").await;
        // The matrix signs in often; the login limiter is not what it tests.
        let app = spawn_app_with(Some(database), |settings| settings.server.login_attempts_per_minute = 100_000).await;
        let owner = login(&app, "owner@a.example").await;
        let owner_id = owner.login.user.id.clone();
        let mut secrets = vec![owner.login.clinic.id.clone(), owner_id.clone(), owner.login.user.email.clone()];
        let mut sessions = HashMap::from([(Caller::Owner, owner)]);
        for caller in [Caller::Admin, Caller::Clinician, Caller::Technician] {
            let (email, role) = (caller.email().unwrap(), caller.role().unwrap());
            let created = create_user(&app, &sessions[&Caller::Owner], email, role).await;
            assert_eq!(created.status(), 201, "clinic A's owner adds the {role}");
            let created: Value = created.json().await.unwrap();
            secrets.extend([created["id"].as_str().unwrap().to_owned(), email.to_owned()]);
            sessions.insert(caller, login(&app, email).await);
        }
        let colleague = create_user(&app, &sessions[&Caller::Owner], "colleague@a.example", "clinician").await;
        assert_eq!(colleague.status(), 201, "clinic A's owner adds a colleague");
        let colleague_id = colleague.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        secrets.extend([colleague_id.clone(), "colleague@a.example".to_owned()]);
        sessions.insert(Caller::OtherClinic, login(&app, "owner@b.example").await);
        let mut fixture = Fixture {
            app,
            sessions,
            tokens: HashMap::new(),
            owner_id,
            colleague_id,
            case_id: String::new(),
            file_id: String::new(),
            run_id: String::new(),
            clinic_a_secrets: secrets,
            requests: 0,
        };
        for caller in [Caller::TokenRead, Caller::TokenWrite, Caller::TokenProduction] {
            let created = create_token(&fixture.app, fixture.owner(), &[caller.scope().unwrap()]).await;
            let secret = created["secret"].as_str().unwrap().to_owned();
            fixture.clinic_a_secrets.extend([created["token"]["id"].as_str().unwrap().to_owned(), secret.clone()]);
            fixture.tokens.insert(caller, secret);
        }
        fixture.case_id = fixture.create_case().await;
        let upload = format!("/cases/{}/stages/upper/1/models", fixture.case_id);
        let file: Value =
            fixture.as_owner(Method::POST, &upload).body(tetrahedron_stl()).send().await.unwrap().json().await.unwrap();
        fixture.file_id = file["id"].as_str().expect("clinic A's model is stored").to_owned();
        fixture.clinic_a_secrets.push(fixture.file_id.clone());
        let prepare = format!("/cases/{}/prepare", fixture.case_id);
        let run: Value = fixture.as_owner(Method::POST, &prepare).send().await.unwrap().json().await.unwrap();
        fixture.run_id = run["id"].as_str().expect("clinic A's prepare run is queued").to_owned();
        fixture.clinic_a_secrets.push(fixture.run_id.clone());
        fixture
    }

    fn owner(&self) -> &Session {
        &self.sessions[&Caller::Owner]
    }

    fn as_owner(&self, method: Method, path: &str) -> RequestBuilder {
        as_session(&self.app, self.owner(), method, &format!("{API}{path}"), true)
    }

    /// A case of clinic A, with a new patient: its id.
    async fn create_case(&mut self) -> String {
        let body =
            json!({ "patient": { "full_name": "Ada Lovelace", "date_of_birth": "1990-12-10" }, "title": "Crowding" });
        let created = self.as_owner(Method::POST, "/cases").json(&body).send().await.unwrap();
        assert_eq!(created.status(), 201, "clinic A's owner opens a case");
        let created: Value = created.json().await.unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        let patient = &created["patient"];
        self.clinic_a_secrets.extend(
            [&created["id"], &patient["id"], &patient["code"], &patient["full_name"]]
                .into_iter()
                .filter_map(|value| value.as_str().map(str::to_owned)),
        );
        id
    }

    /// A token of clinic A: its id.
    async fn create_token(&mut self) -> String {
        let created = create_token(&self.app, self.owner(), &["read"]).await;
        let id = created["token"]["id"].as_str().unwrap().to_owned();
        self.clinic_a_secrets.push(id.clone());
        id
    }

    /// A webhook of clinic A: its id. Its URL refuses connections at once,
    /// so the deliveries that events enqueue fail without leaving the machine.
    async fn create_webhook(&mut self) -> String {
        let created = self.as_owner(Method::POST, "/webhooks").json(&webhook_body()).send().await.unwrap();
        assert_eq!(created.status(), 201, "clinic A's owner registers a webhook");
        let id = created.json::<Value>().await.unwrap()["webhook"]["id"].as_str().unwrap().to_owned();
        self.clinic_a_secrets.push(id.clone());
        id
    }

    /// The row's path with its placeholders filled by clinic A's resources.
    async fn fill(&mut self, row: &Row) -> String {
        let values: Vec<(&str, String)> = match row.ids {
            Ids::None => vec![],
            Ids::Colleague => vec![("id", self.colleague_id.clone())],
            Ids::Owner => vec![("id", self.owner_id.clone())],
            Ids::Case => vec![("id", self.case_id.clone())],
            Ids::CaseStage => vec![("id", self.case_id.clone()), ("arch", "upper".into()), ("index", "2".into())],
            Ids::FreshCase => vec![("id", self.create_case().await)],
            Ids::File => vec![("id", self.file_id.clone())],
            Ids::PrepareRun => vec![("id", self.case_id.clone()), ("run_id", self.run_id.clone())],
            Ids::FreshToken => vec![("id", self.create_token().await)],
            Ids::FreshWebhook => vec![("id", self.create_webhook().await)],
        };
        let mut path = row.path.to_owned();
        for (name, value) in values {
            path = path.replace(&format!("{{{name}}}"), &value);
        }
        assert!(!path.contains('{'), "{}: a placeholder has no value; fill it in `Ids` ({path})", row.operation());
        path
    }

    /// Sends the row's request as `caller`: its status and body.
    async fn send(&mut self, row: &Row, caller: Caller) -> (u16, String) {
        let path = format!("{API}{}", self.fill(row).await);
        let method = Method::from_bytes(row.method.as_bytes()).unwrap();
        let fresh_session = match caller.email() {
            Some(email) if row.own_session => Some(login(&self.app, email).await),
            _ => None,
        };
        let mut request = match (fresh_session.as_ref().or(self.sessions.get(&caller)), self.tokens.get(&caller)) {
            (Some(session), _) => as_session(&self.app, session, method, &path, true),
            (None, Some(secret)) => {
                self.app.client.request(method, format!("{}{path}", self.app.address)).bearer_auth(secret)
            }
            (None, None) => self.app.client.request(method, format!("{}{path}", self.app.address)),
        };
        self.requests += 1;
        request = match row.body {
            Body::None => request,
            Body::Json(body) => request.json(&body(self, self.requests)),
            Body::Bytes(body) => request.header("content-type", "application/octet-stream").body(body()),
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, String::from_utf8_lossy(&response.bytes().await.unwrap_or_default()).into_owned())
    }
}

/// What one caller got for one row, and anything wrong beyond its status.
struct Cell {
    got: u16,
    want: u16,
    problems: Vec<String>,
}

fn backend_name(database: &TestDatabase) -> &'static str {
    if database.url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" }
}

#[tokio::test]
async fn every_operation_answers_each_caller_as_the_matrix_says() {
    for database in test_databases().await {
        let mut fixture = Fixture::new(&database).await;
        let mut table: Vec<(&Row, Vec<Cell>)> = Vec::new();
        for row in MATRIX {
            let mut cells = Vec::new();
            for caller in Caller::ALL {
                let (got, body) = fixture.send(row, caller).await;
                let want = row.expect[caller.column()];
                let mut problems = Vec::new();
                if !(200..300).contains(&got) && serde_json::from_str::<ErrorBody>(&body).is_err() {
                    problems.push(format!("a {got} whose body is not the error shape: {body:.200}"));
                }
                // Clinic B signs in as itself: what it gets back must hold nothing of clinic A.
                let public = row.expect[Caller::Anonymous.column()] != 401;
                if caller == Caller::OtherClinic && !public {
                    for secret in fixture.clinic_a_secrets.iter().filter(|secret| body.contains(secret.as_str())) {
                        problems.push(format!("clinic A's {secret} is in clinic B's answer"));
                    }
                }
                cells.push(Cell { got, want, problems });
            }
            table.push((row, cells));
        }
        let report = mismatch_report(&table);
        assert!(report.is_empty(), "authorization matrix on {}:\n{report}", backend_name(&database));
    }
}

/// Empty when every cell is as expected; else the whole table, each
/// differing cell written `got≠want`, then the other problems.
fn mismatch_report(table: &[(&Row, Vec<Cell>)]) -> String {
    let differing = table.iter().flat_map(|(_, cells)| cells).filter(|cell| cell.got != cell.want).count();
    let problems: Vec<String> = table
        .iter()
        .flat_map(|(row, cells)| {
            cells.iter().zip(Caller::ALL).flat_map(move |(cell, caller)| {
                cell.problems.iter().map(move |problem| format!("{} as {}: {problem}", row.operation(), caller.name()))
            })
        })
        .collect();
    if differing == 0 && problems.is_empty() {
        return String::new();
    }
    let mut header = vec!["operation".to_owned()];
    header.extend(Caller::ALL.map(|caller| caller.name().to_owned()));
    let mut lines = vec![header];
    for (row, cells) in table {
        let mut line = vec![row.operation()];
        line.extend(cells.iter().map(|cell| {
            if cell.got == cell.want { cell.got.to_string() } else { format!("{}≠{}", cell.got, cell.want) }
        }));
        lines.push(line);
    }
    let widths: Vec<usize> =
        (0..lines[0].len()).map(|i| lines.iter().map(|line| line[i].chars().count()).max().unwrap_or(0)).collect();
    let mut report = format!("{differing} answers differ from the matrix (written got≠want)\n\n");
    for line in &lines {
        let cells: Vec<String> = line.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        writeln!(report, "{}", cells.join("  ").trim_end()).unwrap();
    }
    for problem in problems {
        writeln!(report, "{problem}").unwrap();
    }
    report
}

/// The document as the running application serves it, anonymously.
async fn served_document() -> Value {
    let app = spawn_app().await;
    let response = app.get(&format!("{API}/openapi.json")).await;
    assert_eq!(response.status(), 200, "the document needs no sign-in");
    response.json().await.unwrap()
}

/// Every (METHOD, path) of the document.
fn documented_operations(document: &Value) -> BTreeMap<(String, String), Value> {
    let mut operations = BTreeMap::new();
    for (path, item) in document["paths"].as_object().expect("the document has paths") {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if ["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&method.as_str()) {
                operations.insert((method.to_uppercase(), path.clone()), operation.clone());
            }
        }
    }
    operations
}

#[tokio::test]
async fn the_matrix_has_a_row_for_every_operation_of_the_document() {
    let documented: BTreeSet<(String, String)> = documented_operations(&served_document().await).into_keys().collect();
    let in_matrix: BTreeSet<(String, String)> =
        MATRIX.iter().map(|row| (row.method.to_owned(), row.path.to_owned())).collect();
    let name = |(method, path): &(String, String)| format!("{method} {path}");
    let without_row: Vec<String> = documented.difference(&in_matrix).map(name).collect();
    let undocumented: Vec<String> = in_matrix.difference(&documented).map(name).collect();
    assert!(
        without_row.is_empty() && undocumented.is_empty(),
        "operations in the document with no row in MATRIX (add one in tests/it/authorization.rs): {without_row:?}\n\
         rows in MATRIX for operations the document lacks (annotate the handler with #[utoipa::path] and register it \
         with routes!, or fix the row): {undocumented:?}"
    );
}

/// The sets of roles and of token scopes an operation's `security` lets in;
/// `None` for an operation without `security` (anyone may call).
fn admitted(operation: &Value) -> Option<(BTreeSet<String>, Option<BTreeSet<String>>)> {
    let requirements = operation.get("security")?.as_array()?;
    let names = |list: &Value| -> BTreeSet<String> {
        list.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
    };
    let mut roles = BTreeSet::new();
    let mut scopes = None;
    for requirement in requirements {
        if let Some(listed) = requirement.get("session_cookie") {
            let listed = names(listed);
            let all_roles = Caller::ALL.iter().filter_map(|caller| caller.role()).map(str::to_owned);
            roles.extend(if listed.is_empty() { all_roles.collect() } else { listed });
        }
        if let Some(listed) = requirement.get("bearer_token") {
            scopes = Some(names(listed));
        }
    }
    Some((roles, scopes))
}

/// The document's `security` and the matrix say the same about who gets in:
/// a listed role gets a 2xx and an unlisted one does not; a token gets a 2xx
/// exactly when `bearer_token` is required with no scope it lacks; nobody
/// gets in without `security`. Extra rows (`variant`) test finer rules and
/// are left out. And clinic A's resources answer clinic B 404.
#[tokio::test]
async fn the_documents_security_agrees_with_the_matrix() {
    let operations = documented_operations(&served_document().await);
    let mut problems = Vec::new();
    for row in MATRIX.iter().filter(|row| row.variant.is_empty()) {
        let Some(operation) = operations.get(&(row.method.to_owned(), row.path.to_owned())) else { continue };
        let succeeds = |caller: Caller| (200..300).contains(&row.expect[caller.column()]);
        let mut say = |caller: Caller, documented: bool| {
            if succeeds(caller) != documented {
                let verb = if documented { "lets in" } else { "keeps out" };
                problems.push(format!(
                    "{}: the document {verb} {}, the matrix expects {}",
                    row.operation(),
                    caller.name(),
                    row.expect[caller.column()]
                ));
            }
        };
        match admitted(operation) {
            None => say(Caller::Anonymous, true),
            Some((roles, scopes)) => {
                say(Caller::Anonymous, false);
                for caller in Caller::ALL {
                    if let Some(role) = caller.role() {
                        say(caller, roles.contains(role));
                    }
                    if let Some(scope) = caller.scope() {
                        let lets_in = scopes.as_ref().is_some_and(|needed| needed.iter().all(|needed| needed == scope));
                        say(caller, lets_in);
                    }
                }
            }
        }
        if row.ids != Ids::None && row.expect[Caller::OtherClinic.column()] != 404 {
            problems.push(format!("{}: clinic A's resource must answer clinic B 404", row.operation()));
        }
    }
    assert!(problems.is_empty(), "the document's security and the matrix disagree:\n{}", problems.join("\n"));
}
