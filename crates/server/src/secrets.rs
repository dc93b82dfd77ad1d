//! The token-signing secret: `PATCHBAY_JWT_SECRET`, or for the embedded default a random secret
//! generated once and kept in the data folder (mode 0600).

use std::{
    fs::{self, OpenOptions},
    io::Write,
    os::unix::fs::OpenOptionsExt,
    path::Path,
};

use anyhow::{Context, bail};

/// File name of the generated secret inside the data folder.
pub(crate) const JWT_SECRET_FILE: &str = "jwt-secret";

/// Shortest secret accepted.
pub(crate) const MIN_SECRET_BYTES: usize = 32;

/// The secret to sign tokens with. `configured` wins; without it, `embedded` data folders get a
/// generated one; an external database without a configured secret is an error.
pub(crate) fn jwt_secret(
    configured: Option<&str>,
    embedded_data_dir: Option<&Path>,
) -> anyhow::Result<String> {
    if let Some(secret) = configured {
        if secret.len() < MIN_SECRET_BYTES {
            bail!("PATCHBAY_JWT_SECRET must have at least {MIN_SECRET_BYTES} bytes");
        }
        return Ok(secret.to_owned());
    }
    let Some(dir) = embedded_data_dir else {
        bail!(
            "PATCHBAY_JWT_SECRET is required with DATABASE_URL (e.g. `openssl rand -hex 32`); \
             every replica needs the same value"
        );
    };
    let path = dir.join(JWT_SECRET_FILE);
    if let Ok(secret) = fs::read_to_string(&path) {
        let secret = secret.trim().to_owned();
        if secret.len() >= MIN_SECRET_BYTES {
            return Ok(secret);
        }
        bail!(
            "{} is too short; delete it to generate a new one",
            path.display()
        );
    }
    let secret = graph::services::auth::random_secret();
    let mut file = OpenOptions::new()
        .create_new(true)
        .write(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("create {}", path.display()))?;
    file.write_all(secret.as_bytes())
        .with_context(|| format!("write {}", path.display()))?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn generated_once_with_mode_0600_and_required_externally() {
        let dir = std::env::temp_dir().join(format!("patchbay-secret-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        let first = jwt_secret(None, Some(&dir)).expect("generated");
        let again = jwt_secret(None, Some(&dir)).expect("read back");
        assert_eq!(first, again);
        assert!(first.len() >= MIN_SECRET_BYTES);
        let mode = fs::metadata(dir.join(JWT_SECRET_FILE))
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(jwt_secret(None, None).is_err());
        assert!(jwt_secret(Some("short"), None).is_err());
        let _ = fs::remove_dir_all(&dir);
    }
}
