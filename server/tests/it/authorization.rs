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

use reqwest::Method;
use serde_json::{Value, json};
use trayforge_server::admin_command;
use trayforge_wire::{ErrorBody, LoginResponse};

use crate::support::{TestApp, TestDatabase, connect, spawn_app, spawn_app_with, test_databases};

/// Where the document's paths (and the matrix's) live.
const API: &str = "/api/v1";
const PASSWORD: &str = "correct horse battery";

const GET: &str = "GET";
const POST: &str = "POST";
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

/// What fills a path's `{…}` placeholders: always clinic A's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ids {
    /// The path has no placeholder.
    None,
    /// `{id}`: an API token made for this one request (the request may revoke it).
    FreshToken,
}

/// A body for the request: `n` is unique to it (for emails and names that must not repeat).
type BodyFn = fn(&Fixture, usize) -> Value;

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
    body: Option<BodyFn>,
    ids: Ids,
    /// The request ends the session it is sent with: each session caller
    /// signs in afresh for it, so later rows keep theirs.
    own_session: bool,
}

const fn row(method: &'static str, path: &'static str, expect: [u16; 9]) -> Row {
    Row { method, path, variant: "", expect, body: None, ids: Ids::None, own_session: false }
}

impl Row {
    const fn body(self, body: BodyFn) -> Row {
        Row { body: Some(body), ..self }
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
    //                                owner admin clin  tech  other anon  read  write prod
    row(POST,   "/auth/login",       [200,  200,  200,  200,  200,  200,  200,  200,  200])
        .body(|_, _| json!({ "email": "technician@a.example", "password": PASSWORD })),
    // A token is refused for what it is: logout ends a browser session.
    row(POST,   "/auth/logout",      [204,  204,  204,  204,  204,  401,  400,  400,  400]).own_session(),
    row(GET,    "/me",               [200,  200,  200,  200,  200,  401,  200,  200,  200]),
    row(GET,    "/users",            [200,  200,  403,  403,  200,  401,  403,  403,  403]),
    row(POST,   "/users",            [201,  201,  403,  403,  201,  401,  403,  403,  403])
        .body(|_, n| json!({ "email": format!("new{n}@example.org"), "role": "clinician", "password": PASSWORD })),
    row(POST,   "/users",            [201,  403,  403,  403,  201,  401,  403,  403,  403])
        .variant("role owner: only an owner makes owners")
        .body(|_, n| json!({ "email": format!("new{n}@example.org"), "role": "owner", "password": PASSWORD })),
    row(GET,    "/tokens",           [200,  200,  403,  403,  200,  401,  403,  403,  403]),
    row(POST,   "/tokens",           [201,  201,  403,  403,  201,  401,  403,  403,  403])
        .body(|_, n| json!({ "name": format!("integration {n}"), "scopes": ["read"] })),
    row(DELETE, "/tokens/{id}",      [204,  204,  403,  403,  404,  401,  403,  403,  403]).ids(Ids::FreshToken),
];

/// A signed-in browser.
#[derive(Debug, Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

/// Two clinics, a session per caller, a token per scope, and what clinic B must never see.
struct Fixture {
    app: TestApp,
    sessions: HashMap<Caller, Session>,
    tokens: HashMap<Caller, String>,
    /// Ids and emails of clinic A: no answer to clinic B may contain one.
    clinic_a_secrets: Vec<String>,
    requests: usize,
}

impl Fixture {
    async fn new(database: &TestDatabase) -> Fixture {
        let db = connect(database).await;
        db.migrate().await.unwrap();
        let a = admin_command::create_admin(&db, "Clinic A", "owner@a.example", Some(PASSWORD)).await.unwrap();
        admin_command::create_admin(&db, "Clinic B", "owner@b.example", Some(PASSWORD)).await.unwrap();
        db.close().await;
        // The matrix signs in often; the login limiter is not what it tests.
        let app = spawn_app_with(Some(database), |settings| settings.server.login_attempts_per_minute = 100_000).await;
        let mut fixture = Fixture {
            app,
            sessions: HashMap::new(),
            tokens: HashMap::new(),
            clinic_a_secrets: vec![a.clinic.id.to_string(), a.owner.id.to_string()],
            requests: 0,
        };
        let owner = fixture.login("owner@a.example").await;
        fixture.sessions.insert(Caller::Owner, owner);
        for caller in [Caller::Admin, Caller::Clinician, Caller::Technician] {
            let (email, role) = (caller.email().unwrap(), caller.role().unwrap());
            let body = json!({ "email": email, "role": role, "password": PASSWORD });
            let created = fixture.owner_request(Method::POST, "/users").json(&body).send().await.unwrap();
            assert_eq!(created.status(), 201, "clinic A's owner adds the {role}");
            let created: Value = created.json().await.unwrap();
            fixture.clinic_a_secrets.push(created["id"].as_str().unwrap().to_owned());
            fixture.clinic_a_secrets.push(email.to_owned());
            let session = fixture.login(email).await;
            fixture.sessions.insert(caller, session);
        }
        let other = fixture.login("owner@b.example").await;
        fixture.sessions.insert(Caller::OtherClinic, other);
        for caller in [Caller::TokenRead, Caller::TokenWrite, Caller::TokenProduction] {
            let (id, secret) = fixture.create_token(caller.scope().unwrap()).await;
            fixture.tokens.insert(caller, secret.clone());
            fixture.clinic_a_secrets.extend([id, secret]);
        }
        fixture.clinic_a_secrets.push("owner@a.example".to_owned());
        fixture
    }

    async fn login(&self, email: &str) -> Session {
        let response = self
            .app
            .client
            .post(format!("{}{API}/auth/login", self.app.address))
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{email} signs in");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("trayforge_session="))
            .and_then(|value| value.split(';').next())
            .expect("a session cookie")
            .to_owned();
        let login: LoginResponse = response.json().await.unwrap();
        Session { cookie, csrf: login.csrf_token }
    }

    fn owner_request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let owner = &self.sessions[&Caller::Owner];
        self.app
            .client
            .request(method, format!("{}{API}{path}", self.app.address))
            .header("cookie", &owner.cookie)
            .header("x-csrf-token", &owner.csrf)
    }

    /// A token of clinic A: its id and secret.
    async fn create_token(&self, scope: &str) -> (String, String) {
        let body = json!({ "name": format!("{scope} integration"), "scopes": [scope] });
        let created = self.owner_request(Method::POST, "/tokens").json(&body).send().await.unwrap();
        assert_eq!(created.status(), 201, "clinic A's owner makes a {scope} token");
        let created: Value = created.json().await.unwrap();
        (created["token"]["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned())
    }

    /// The row's path with its placeholders filled by clinic A's resources.
    async fn fill(&mut self, row: &Row) -> String {
        let values: Vec<(&str, String)> = match row.ids {
            Ids::None => vec![],
            Ids::FreshToken => {
                let (id, _) = self.create_token("read").await;
                self.clinic_a_secrets.push(id.clone());
                vec![("id", id)]
            }
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
        let path = self.fill(row).await;
        let method = Method::from_bytes(row.method.as_bytes()).unwrap();
        let writes = !method.is_safe();
        let mut request = self.app.client.request(method, format!("{}{API}{path}", self.app.address));
        if let Some(email) = caller.email() {
            let session = if row.own_session { self.login(email).await } else { self.sessions[&caller].clone() };
            request = request.header("cookie", &session.cookie);
            if writes {
                request = request.header("x-csrf-token", &session.csrf);
            }
        } else if let Some(secret) = self.tokens.get(&caller) {
            request = request.bearer_auth(secret);
        }
        if let Some(body) = row.body {
            self.requests += 1;
            request = request.json(&body(self, self.requests));
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
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
