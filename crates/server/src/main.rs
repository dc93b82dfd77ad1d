//! The `patchbay` binary: parse the command line, set up logging, run, and report failure as one
//! line with a non-zero exit code.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: request handling allocates many small, short-lived
/// objects (JSON values, rows) across worker threads, where glibc's arenas contend.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = server::config::Cli::parse();
    server::telemetry::init_logging(cli.profile.log_format(cli.log_format));
    match server::run::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
