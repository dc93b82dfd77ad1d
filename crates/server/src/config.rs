//! Command line and environment: the only place Patchbay reads its configuration.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

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
