#!/usr/bin/env bash
# Regenerates crates/entity/src/generated from a scratch database migrated with the current
# migrations. Needs sea-orm-cli 2.0 (`cargo install sea-orm-cli@2.0.4`) and a PostgreSQL server:
# ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
admin=${ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
scratch=patchbay_entities_$$
base=${admin%/*}
psql "$admin" -qc "CREATE DATABASE $scratch"
trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $scratch"' EXIT
DATABASE_URL="$base/$scratch" cargo run -q -p patchbay-migration -- up
# Generated columns (search vectors) are written and read by the database only: leave them out.
psql "$base/$scratch" -qAt -c "SELECT format('ALTER TABLE %I DROP COLUMN %I;', table_name, column_name)
    FROM information_schema.columns WHERE table_schema = 'public' AND is_generated = 'ALWAYS'" \
    | psql "$base/$scratch" -q
rm -rf crates/entity/src/generated
# Enums serialize as their database values (`in_progress`), so rows read as JSON decode as models.
sea-orm-cli generate entity -u "$base/$scratch" -o crates/entity/src/generated \
    --with-serde both --with-copy-enums --compact-format --banner-version major \
    --enum-extra-attributes 'serde(rename_all = "snake_case")'
cargo fmt -p patchbay-entity
