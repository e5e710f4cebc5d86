//! `trayforge`: the server binary. Parses the command line, loads the
//! configuration, and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use trayforge_server::config::Settings;
use trayforge_server::startup::{Application, shutdown_signal};
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
    /// Serve the API and the client (migrates the database first).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("trayforge: {}", one_line(&error));
            ExitCode::FAILURE
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

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    telemetry::init(&settings.log)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        match cli.command {
            Command::Serve => {
                let app = Application::build(&settings).await?;
                app.run_until(shutdown_signal()).await?;
            }
            Command::Migrate => {
                let db = Database::connect(&settings.database_url()).await?;
                db.migrate().await?;
                tracing::info!(backend = db.backend_name(), "database is migrated");
                db.close().await;
            }
        }
        Ok(())
    })
}
