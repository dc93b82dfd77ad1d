//! Authentication support: token revocation and a shared rate-limit counter.
//!
//! - `users.tokens_valid_after`: access tokens issued before this instant are rejected; set when a
//!   user changes their password or is deactivated (`docs/decisions/0010-auth-tokens.md`).
//! - `rate_limit_counters`: fixed-window attempt counters keyed by e.g. `login:ip:1.2.3.4`, updated
//!   with one upsert so every server replica shares them (`docs/decisions/0011-auth-rate-limits.md`).

crate::sql_migration!(UP, DOWN);

const UP: &str = r#"
ALTER TABLE users ADD COLUMN tokens_valid_after timestamp;

CREATE TABLE rate_limit_counters (
    key          varchar(320) PRIMARY KEY,
    window_start timestamp NOT NULL,
    hits         integer NOT NULL,
    CONSTRAINT rate_limit_counters_hits_positive CHECK (hits >= 1)
);
CREATE INDEX rate_limit_counters_window_start_idx ON rate_limit_counters (window_start);
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS rate_limit_counters;
ALTER TABLE users DROP COLUMN IF EXISTS tokens_valid_after;
"#;
