//! `trayforge`: the server binary. Parses the command line, loads the
//! configuration, and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use std::io::Write;

use trayforge_server::admin_command::{self, CreatedAdmin};
use trayforge_server::config::Settings;
use trayforge_server::mesh_command::{self, MeshCommandError, PrintableHeight};
use trayforge_server::startup::{self, Application, shutdown_signal};
use trayforge_server::storage::Database;
use trayforge_server::telemetry;

#[derive(Debug, Parser)]
#[command(name = "trayforge", version, about = "Trayforge: in-office aligner production")]
struct Cli {
    /// A TOML configuration file; `TRAYFORGE__SECTION__KEY` variables override it.
    #[arg(long, global = true, env = "TRAYFORGE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and the client (migrates the database first); runs
    /// `[jobs] workers` job workers in-process too.
    Serve,
    /// Run job workers only (webhook deliveries, …), beside servers started
    /// with `[jobs] workers = 0`.
    Worker,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Create a clinic and its owner; prints a generated password once
    /// unless --password-stdin gives one.
    CreateAdmin {
        /// The clinic's name.
        #[arg(long)]
        clinic: String,
        /// The owner's email address (signs in with it).
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input instead
        /// of generating one (at least 12 characters).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Inspect, convert or repair mesh files (exit code 2 for a file that cannot be read).
    #[command(subcommand)]
    Mesh(MeshCommand),
}

#[derive(Debug, Subcommand)]
enum MeshCommand {
    /// Print the validation report of a mesh file.
    Inspect {
        file: PathBuf,
        /// Print JSON (field names in README.md) instead of text.
        #[arg(long)]
        json: bool,
        /// The lowest model the printer can build, in mm (with --max-height).
        #[arg(long, value_name = "MM", default_value_t = 0.0, requires = "max_height")]
        min_height: f32,
        /// The tallest model the printer can build, in mm: the report says whether the model fits.
        #[arg(long, value_name = "MM")]
        max_height: Option<f32>,
    },
    /// Read a mesh file and write it in the format OUTPUT's extension names:
    /// .stl (binary, or ASCII with --ascii) or .3mf (one object per body).
    Convert {
        input: PathBuf,
        output: PathBuf,
        #[arg(long)]
        ascii: bool,
    },
    /// Repair a mesh file (degenerate faces, cracks, loose pieces, orientation,
    /// holes), print what changed, and write it in the format OUTPUT's
    /// extension names: .stl (binary, or ASCII with --ascii) or .3mf.
    Repair {
        input: PathBuf,
        output: PathBuf,
        #[arg(long)]
        ascii: bool,
    },
    /// Prepare a model for printing with a recipe (repair, union of
    /// overlapping pieces, trim, base, hollow, label), print each step, and
    /// write the model standing on its base (.stl or .3mf). Exit code 2,
    /// with the step and the reason, when the recipe cannot make it printable.
    Prepare {
        input: PathBuf,
        output: PathBuf,
        /// The recipe as JSON (the API's Recipe); the default recipe when not given.
        #[arg(long, value_name = "FILE.json")]
        recipe: Option<PathBuf>,
        /// Which arch, for the label's U or L (guessed from the file name when not given).
        #[arg(long, value_enum)]
        arch: Option<ArchArg>,
        /// The label's text (the file's name when not given).
        #[arg(long, value_name = "TEXT")]
        label: Option<String>,
        /// The teeth point the other way than the model's shape says.
        #[arg(long)]
        flip: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ArchArg {
    Upper,
    Lower,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Mesh(command) => return mesh(command),
        Command::Serve => run(cli.config.as_deref(), Task::Serve),
        Command::Worker => run(cli.config.as_deref(), Task::Worker),
        Command::Migrate => run(cli.config.as_deref(), Task::Migrate),
        Command::CreateAdmin { clinic, email, password_stdin } => {
            let password = if password_stdin { read_password_line() } else { Ok(None) };
            match password {
                Ok(password) => run(cli.config.as_deref(), Task::CreateAdmin { clinic, email, password }),
                Err(error) => Err(error),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("trayforge: {}", one_line(&error));
            ExitCode::FAILURE
        }
    }
}

/// Mesh commands need no configuration, database or logs: bytes in, report out.
fn mesh(command: MeshCommand) -> ExitCode {
    let result = match command {
        MeshCommand::Inspect { file, json, min_height, max_height } => {
            mesh_command::read_mesh(&file).and_then(|outcome| {
                let printable = max_height.map(|max_mm| PrintableHeight { min_mm: min_height, max_mm });
                let report = mesh_command::report(&outcome, printable);
                let text = if json {
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                } else {
                    mesh_command::describe(&file, &report)
                };
                writeln!(std::io::stdout(), "{text}")
                    .map_err(|source| MeshCommandError::Unwritable { path: "stdout".into(), source })
            })
        }
        MeshCommand::Convert { input, output, ascii } => mesh_command::read_mesh(&input).and_then(|outcome| {
            let bytes = mesh_command::encode(&outcome.mesh, &outcome.bodies, &output, ascii)?;
            mesh_command::write_atomically(&output, &bytes)
        }),
        MeshCommand::Repair { input, output, ascii } => {
            mesh_command::repair_file(&input, &output, ascii).and_then(|report| {
                writeln!(std::io::stdout(), "{report}")
                    .map_err(|source| MeshCommandError::Unwritable { path: "stdout".into(), source })
            })
        }
        MeshCommand::Prepare { input, output, recipe, arch, label, flip } => {
            let arch = arch.map(|a| match a {
                ArchArg::Upper => mesh_core::Arch::Upper,
                ArchArg::Lower => mesh_core::Arch::Lower,
            });
            let request = mesh_command::PrepareRequest { recipe, arch, label, flip };
            mesh_command::prepare_file(&input, &output, &request).and_then(|steps| {
                writeln!(std::io::stdout(), "{}", steps.join("\n"))
                    .map_err(|source| MeshCommandError::Unwritable { path: "stdout".into(), source })
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("trayforge: {error}");
            ExitCode::from(if error.is_bad_input() { 2 } else { 1 })
        }
    }
}

/// The error and its causes on one line, each cause once: messages that
/// already quote their cause are not repeated.
fn one_line(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message = format!("{message}: {cause}");
        }
    }
    message
}

/// The commands that run with configuration, logs and a database.
enum Task {
    Serve,
    Worker,
    Migrate,
    CreateAdmin { clinic: String, email: String, password: Option<String> },
}

/// The password from the first line of standard input, without its line end.
fn read_password_line() -> anyhow::Result<Option<String>> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// Says how to sign in as the new owner; the generated password, if any, is shown this once.
fn print_sign_in(created: &CreatedAdmin, address: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "created clinic \"{}\" with owner {}", created.clinic.name, created.owner.email)?;
    if let Some(password) = &created.generated_password {
        writeln!(out, "password: {} (shown only now; it is stored only as a hash)", password.expose())?;
    }
    writeln!(out, "sign in at {address} with this email address and password")
}

fn run(config: Option<&std::path::Path>, task: Task) -> anyhow::Result<()> {
    let settings = Settings::load(config)?;
    telemetry::init(&settings.log)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        match task {
            Task::Serve => {
                let app = Application::build(&settings).await?;
                if let Some(created) = admin_command::create_demo_owner_if_no_users(app.database()).await? {
                    print_sign_in(&created, &format!("http://{}", app.address()))?;
                }
                app.run_until(shutdown_signal()).await?;
            }
            Task::Worker => startup::run_workers(&settings, shutdown_signal()).await?,
            Task::Migrate => {
                let db = Database::connect(&settings.database_url()).await?;
                db.migrate().await?;
                tracing::info!(backend = db.backend_name(), "database is migrated");
                db.close().await;
            }
            Task::CreateAdmin { clinic, email, password } => {
                let db = Database::connect(&settings.database_url()).await?;
                db.migrate().await?;
                let created = admin_command::create_admin(&db, &clinic, &email, password.as_deref()).await;
                db.close().await;
                let address = format!("http://{}:{}", settings.server.host, settings.server.port);
                print_sign_in(&created?, &address)?;
            }
        }
        Ok(())
    })
}
