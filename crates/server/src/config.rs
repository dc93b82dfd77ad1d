//! Command line and environment: the only place Patchbay reads its configuration.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Parser, Subcommand, ValueEnum};

use crate::telemetry::LogFormat;

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

    /// `production` turns the safe settings on together: JSON logs, no field suggestions, no
    /// introspection, no GraphiQL, no `/metrics` on the main address (each can still be set
    /// explicitly), and never loads demo data.
    #[arg(
        long,
        env = "PATCHBAY_PROFILE",
        value_enum,
        default_value_t = Profile::Development,
        global = true
    )]
    pub profile: Profile,

    /// Log format (default: text; json in production).
    #[arg(long, env = "PATCHBAY_LOG_FORMAT", value_enum, global = true)]
    pub log_format: Option<LogFormat>,

    /// HS256 secret for access tokens (at least 32 bytes). Required with `DATABASE_URL`; the
    /// embedded default generates one in the data folder. Prefer the environment variable.
    #[arg(
        long,
        env = "PATCHBAY_JWT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub jwt_secret: Option<String>,

    /// Access-token lifetime: seconds, or a number with `s`, `m`, `h` or `d` (e.g. `24h`).
    #[arg(long, env = "PATCHBAY_TOKEN_TTL", default_value = "24h", value_parser = parse_duration, global = true)]
    pub token_ttl: Duration,

    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Parses `args` (the program's name first) as `main` parses the real command line.
    pub fn from_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        Self::try_parse_from(args)
    }
}

/// Subcommands of `patchbay`.
#[derive(Debug, Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once at start-up; `serve`'s options are most of it"
)]
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
    /// Create an admin account. The password comes from `PATCHBAY_ADMIN_PASSWORD` or a prompt.
    CreateAdmin {
        /// The admin's email.
        #[arg(long)]
        email: String,
        /// The admin's display name.
        #[arg(long, default_value = "Admin")]
        display_name: String,
    },
    /// Create an invite code and print it.
    Invite {
        /// How many registrations it admits.
        #[arg(long, default_value_t = 1)]
        uses: i32,
        /// When it expires: an RFC 3339 time or a duration from now (e.g. `7d`, `12h`).
        #[arg(long)]
        expires: Option<String>,
        /// The code; an unguessable one is generated when omitted.
        #[arg(long)]
        code: Option<String>,
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

    /// Database connections the server keeps open (opened at start, kept for its lifetime).
    #[arg(long, env = "PATCHBAY_DB_POOL_SIZE", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_pool_size: u32,

    /// Largest request body in bytes, refused with 413 before it is read whole.
    #[arg(long, env = "PATCHBAY_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Most lexical tokens in a GraphQL document (checked before parsing).
    #[arg(long, env = "PATCHBAY_MAX_TOKENS", default_value_t = 5_000)]
    pub max_tokens: usize,

    /// Deepest field nesting of a query (introspection has its own fixed bound).
    #[arg(long, env = "PATCHBAY_MAX_DEPTH", default_value_t = 15)]
    pub max_depth: usize,

    /// Highest query cost: a root field 50, every other field 1, times the list sizes around it.
    #[arg(long, env = "PATCHBAY_MAX_COST", default_value_t = 10_000)]
    pub max_cost: u64,

    /// Most aliases in a document.
    #[arg(long, env = "PATCHBAY_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,

    /// Most directives in a document.
    #[arg(long, env = "PATCHBAY_MAX_DIRECTIVES", default_value_t = 50)]
    pub max_directives: usize,

    /// Most operations in a batched (JSON array) request; 0 turns batching off.
    #[arg(long, env = "PATCHBAY_MAX_BATCH", default_value_t = 0)]
    pub max_batch: usize,

    /// Seconds a GraphQL request may execute before it is cut off.
    #[arg(long, env = "PATCHBAY_REQUEST_TIMEOUT_SECS", default_value_t = 10)]
    pub request_timeout_secs: u64,

    /// Answer introspection queries (default: true; false in production).
    #[arg(long, env = "PATCHBAY_INTROSPECTION")]
    pub introspection: Option<bool>,

    /// Suggest similar names in validation errors (default: true; false in production).
    #[arg(long, env = "PATCHBAY_FIELD_SUGGESTIONS")]
    pub field_suggestions: Option<bool>,

    /// Serve GraphiQL at /graphiql (default: true; false in production).
    #[arg(long, env = "PATCHBAY_GRAPHIQL")]
    pub graphiql: Option<bool>,

    /// Browser origins allowed to call the API (CORS), comma-separated; empty: same origin only.
    #[arg(long, env = "PATCHBAY_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Proxies whose `X-Forwarded-For` is believed (CIDRs, comma-separated; empty: none, the TCP
    /// peer is the client). Rate limits and audit rows use the client address this gives.
    #[arg(long, env = "PATCHBAY_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,

    /// Automatic Persisted Queries cache size in documents; 0 turns APQ off.
    #[arg(long, env = "PATCHBAY_APQ_CACHE_SIZE", default_value_t = 1_000)]
    pub apq_cache_size: usize,

    /// Bytes the Automatic Persisted Queries cache may hold (the oldest documents make room).
    #[arg(
        long,
        env = "PATCHBAY_APQ_CACHE_BYTES",
        default_value_t = crate::graphql::persisted::DEFAULT_APQ_CACHE_BYTES
    )]
    pub apq_cache_bytes: usize,

    /// Trusted-documents manifest (`{ "<sha256>": "<document>" }`): only these operations run.
    #[arg(long, env = "PATCHBAY_TRUSTED_DOCUMENTS")]
    pub trusted_documents: Option<PathBuf>,

    /// Seconds an identical search (same words, kinds, filter, page and visibility) is answered
    /// from this replica's memory; 0 turns the search cache off.
    #[arg(long, env = "PATCHBAY_SEARCH_CACHE_TTL_SECS", default_value_t = 30)]
    pub search_cache_ttl_secs: u64,

    /// Most search result pages the search cache holds.
    #[arg(long, env = "PATCHBAY_SEARCH_CACHE_SIZE", default_value_t = 1_000)]
    pub search_cache_size: usize,

    /// Seconds to let in-flight requests finish after SIGTERM/SIGINT.
    #[arg(long, env = "PATCHBAY_SHUTDOWN_TIMEOUT_SECS", default_value_t = 30)]
    pub shutdown_timeout_secs: u64,

    /// Seconds a client has to send a request's headers; also how long a kept-alive connection
    /// may sit idle between requests. The connection is closed after it.
    #[arg(long, env = "PATCHBAY_HEADER_READ_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_secs: u64,

    /// Seconds a client has to send a request's whole body once its headers are in (408 after).
    #[arg(long, env = "PATCHBAY_BODY_READ_TIMEOUT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_read_timeout_secs: u64,

    /// Most connections open at once; further ones wait until one closes.
    #[arg(long, env = "PATCHBAY_MAX_CONNECTIONS", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,

    /// Milliseconds `/readyz` waits for the database before answering 503.
    #[arg(long, env = "PATCHBAY_READYZ_TIMEOUT_MS", default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub readyz_timeout_ms: u64,

    /// Serve `/metrics` on the main address (default: true without `--metrics-addr`; false in
    /// production).
    #[arg(long, env = "PATCHBAY_PUBLIC_METRICS")]
    pub public_metrics: Option<bool>,

    /// Serve `/metrics` (and nothing else) on this address too, e.g. `127.0.0.1:9100` or an
    /// internal interface for Prometheus.
    #[arg(long, env = "PATCHBAY_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// Operation names that get their own metric label, comma-separated; the trusted-documents
    /// manifest's operations always do. Other names count as `other`.
    #[arg(long, env = "PATCHBAY_METRICS_OPERATIONS", value_delimiter = ',')]
    pub metrics_operations: Vec<String>,
}

impl ServeArgs {
    /// What `patchbay serve` with no flags means: defaults and the environment.
    pub fn from_env() -> Result<Self, clap::Error> {
        match Cli::try_parse_from(["patchbay", "serve"])?.command {
            Some(Command::Serve(args)) => Ok(args),
            _ => Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand)),
        }
    }
}

/// Which set of defaults applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// Friendly: text logs, suggestions, introspection, GraphiQL, public `/metrics`, demo data on
    /// the embedded default's first start.
    Development,
    /// Safe: JSON logs, no suggestions, no introspection, no GraphiQL, no public `/metrics`, no
    /// demo data.
    Production,
}

impl Profile {
    /// The log format when none is given.
    pub fn log_format(self, explicit: Option<LogFormat>) -> LogFormat {
        explicit.unwrap_or(match self {
            Self::Development => LogFormat::Text,
            Self::Production => LogFormat::Json,
        })
    }

    /// An on/off setting: explicit, else on in development and off in production.
    pub fn friendly(self, explicit: Option<bool>) -> bool {
        explicit.unwrap_or(self == Self::Development)
    }
}

/// Size of the seeded data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeedScale {
    /// A few creators with a few pages each; loaded automatically on the embedded default's first
    /// start in the development profile.
    Demo,
    /// 200 creators, 20,000 technique pages, 400,000 transcript segments: for `just bench`.
    Bench,
}

/// Parses `90`, `90s`, `15m`, `24h` or `7d` into a duration.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 's'),
    };
    let n: u64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 90s, 15m, 24h or 7d"))?;
    let secs = match unit {
        's' => Some(n),
        'm' => n.checked_mul(60),
        'h' => n.checked_mul(3600),
        'd' => n.checked_mul(86_400),
        _ => None,
    }
    .filter(|s| *s > 0)
    .ok_or_else(|| format!("`{text}` is not a positive duration like 90s, 15m, 24h or 7d"))?;
    Ok(Duration::from_secs(secs))
}

/// The new admin's password from `PATCHBAY_ADMIN_PASSWORD`, if set (never a command-line flag).
pub fn admin_password_from_env() -> Option<String> {
    std::env::var("PATCHBAY_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(604_800)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3w").is_err());
    }
}
