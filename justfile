# Patchbay's everyday commands. `just` alone lists them.

# List the recipes.
default:
    @just --list

# Start the server (embedded PostgreSQL unless DATABASE_URL is set) with GraphiQL at /graphiql.
run *ARGS:
    cargo run -- {{ARGS}}

# The whole test suite, against real PostgreSQL (TEST_DATABASE_URL, or a private cluster).
test:
    cargo test --workspace

# What CI runs: formatting, lints, unused dependencies (cargo-machete), tests.
ci:
    bash .ci/run

# Regenerate schema.graphql from the code (no database needed).
schema:
    cargo run -q -- export-schema --output schema.graphql

# Regenerate crates/entity from a freshly migrated scratch database (needs sea-orm-cli 2.0).
entities:
    ./scripts/gen-entities.sh

# Apply migrations to DATABASE_URL (or the embedded default).
migrate:
    cargo run -- migrate

# Load data: `just seed demo` or `just seed bench`.
seed SCALE="demo":
    cargo run --release -- seed --scale {{SCALE}}

# Benchmark: release build, bench data, wrk at concurrency 16 over loopback (see bench/README.md).
bench:
    ./bench/run.sh
