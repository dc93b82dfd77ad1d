//! Command line and environment: the only place Patchbay reads its configuration.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

/// Patchbay: a GraphQL API over a knowledge base of music-production techniques.
#[derive(Debug, Parser)]
#[command(name = "patchbay", version, about)]
pub struct Cli {
    /// PostgreSQL to use. Unset: a private cluster in the data folder (the embedded default).
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder of the embedded default's cluster and secrets.
    #[arg(
        long,
        env = "PATCHBAY_DATA_DIR",
        default_value = ".patchbay",
        global = true
    )]
    pub data_dir: PathBuf,

    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands of `patchbay`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve GraphQL at /graphql and GraphiQL at /graphiql (the default).
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate,
    /// Load demo or benchmark data into an empty database.
    Seed {
        /// How much data.
        #[arg(long, value_enum, default_value_t = SeedScale::Demo)]
        scale: SeedScale,
    },
    /// Print the GraphQL schema (SDL); needs no database.
    ExportSchema {
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// Options of `patchbay serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PATCHBAY_ADDR", default_value = "127.0.0.1:8000")]
    pub addr: SocketAddr,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8000)),
        }
    }
}

/// Size of the seeded data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeedScale {
    /// A few creators with a few pages each; loaded automatically on the embedded default's first start.
    Demo,
    /// 200 creators, 20,000 technique pages, 400,000 transcript segments: for `just bench`.
    Bench,
}
