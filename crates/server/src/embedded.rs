//! The embedded default: a private PostgreSQL cluster run from the machine's own server binaries.
//!
//! The cluster lives in `<data dir>/pg`, listens on a free loopback port with a generated password
//! (kept in `<data dir>/pg-password`, mode 0600) and on a Unix socket in `<data dir>/pg` (Patchbay's
//! own connections use it: [`EmbeddedPostgres::local_url`]), and is stopped when [`EmbeddedPostgres::stop`] is
//! called, or, if the process dies, by the kernel: `postgres` is started with a parent-death signal
//! (SIGINT, PostgreSQL's fast shutdown) from a supervisor thread that lives as long as the server.
//! `initdb` and `postgres` refuse to run as root, so a root process runs them as the `postgres`
//! system user. See `docs/decisions/0003-embedded-postgres.md`.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Read, Write},
    net::TcpListener,
    os::unix::{
        fs::{OpenOptionsExt, PermissionsExt},
        process::CommandExt,
    },
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::mpsc,
    thread::JoinHandle,
    time::{Duration, Instant},
};

use nix::{
    sys::signal::{self, Signal},
    unistd::{Pid, Uid, User},
};
use rand::{Rng, distr::Alphanumeric};

/// How the cluster is tuned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Normal PostgreSQL settings: what the server's data folder uses.
    Safe,
    /// `fsync`, synchronous commit and full-page writes off: for throwaway test clusters only.
    Throwaway,
}

/// Why the embedded cluster could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// No PostgreSQL server binaries were found.
    #[error(
        "no PostgreSQL server binaries (initdb, postgres) were found on PATH, via `pg_config --bindir`, \
         or under /usr/lib/postgresql/*/bin. Install the PostgreSQL server package (e.g. \
         `apt-get install postgresql` on Debian/Ubuntu, `brew install postgresql` on macOS), or set \
         DATABASE_URL to a PostgreSQL server you already run."
    )]
    NoBinaries,
    /// The data folder is used by another process.
    #[error("{0}")]
    InUse(String),
    /// Running as root without a `postgres` system user.
    #[error(
        "running as root, but PostgreSQL refuses to run as root and there is no `postgres` system \
         user to run it as; create one (e.g. `useradd --system postgres`), run Patchbay as a normal \
         user, or set DATABASE_URL"
    )]
    NoUnprivilegedUser,
    /// A step failed.
    #[error("{step}: {detail}")]
    Step {
        /// What was being done.
        step: String,
        /// What went wrong.
        detail: String,
    },
}

fn step(step: impl Into<String>) -> impl FnOnce(io::Error) -> EmbeddedError {
    let step = step.into();
    move |err| EmbeddedError::Step {
        step,
        detail: err.to_string(),
    }
}

/// A running private PostgreSQL cluster.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    data_dir: PathBuf,
    port: u16,
    /// The folder of the cluster's Unix socket, when its path is usable (see [`socket_dir`]).
    socket_dir: Option<PathBuf>,
    password: String,
    pid: Pid,
    supervisor: Option<JoinHandle<()>>,
    // Held for the cluster's lifetime: a second Patchbay on the same folder is refused.
    _lock: File,
}

impl EmbeddedPostgres {
    /// Starts (creating when needed) the cluster in `data_dir`.
    pub fn start(data_dir: &Path, durability: Durability) -> Result<Self, EmbeddedError> {
        let bin = find_binaries().ok_or(EmbeddedError::NoBinaries)?;
        fs::create_dir_all(data_dir).map_err(step(format!("create {}", data_dir.display())))?;
        let data_dir = data_dir
            .canonicalize()
            .map_err(step(format!("resolve {}", data_dir.display())))?;
        let lock = lock_folder(&data_dir)?;
        let owner = run_as()?;
        let pgdata = data_dir.join("pg");
        let password = ensure_password(&data_dir)?;

        if !pgdata.join("PG_VERSION").exists() {
            init_cluster(&bin, &pgdata, &password, owner.as_ref(), durability)?;
        }
        check_not_running(&pgdata)?;

        let port = free_port()?;
        let socket_dir = socket_dir(&pgdata, port);
        let log_path = data_dir.join("postgres.log");
        let listen = Listen {
            port,
            socket_dir: socket_dir.as_deref(),
        };
        let (pid, supervisor) =
            spawn_postgres(&bin, &pgdata, listen, &log_path, owner.as_ref(), durability)?;
        let pg = Self {
            data_dir,
            port,
            socket_dir,
            password,
            pid,
            supervisor: Some(supervisor),
            _lock: lock,
        };
        pg.wait_ready(&log_path)?;
        Ok(pg)
    }

    /// The URL of `database` on this cluster, over TCP on the loopback port.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://patchbay:{}@127.0.0.1:{}/{database}",
            self.password, self.port
        )
    }

    /// The URL of `database` for a client on this machine: through the cluster's Unix socket when
    /// it has one (a round trip then skips the TCP stack: a tenth more requests per second for
    /// small queries), else [`Self::url`].
    pub fn local_url(&self, database: &str) -> String {
        match &self.socket_dir {
            Some(dir) => format!(
                "postgres://patchbay:{}@localhost/{database}?host={}&port={}",
                self.password,
                dir.display(),
                self.port
            ),
            None => self.url(database),
        }
    }

    /// The folder holding the cluster.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Stops the cluster (fast shutdown) and waits for it to exit.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(supervisor) = self.supervisor.take() {
            let _ = signal::kill(self.pid, Signal::SIGINT);
            let deadline = Instant::now() + Duration::from_secs(30);
            while !supervisor.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            if supervisor.is_finished() {
                let _ = supervisor.join();
            } else {
                tracing::warn!("embedded PostgreSQL did not stop within 30 s; sending SIGQUIT");
                let _ = signal::kill(self.pid, Signal::SIGQUIT);
            }
        }
    }

    fn wait_ready(&self, log_path: &Path) -> Result<(), EmbeddedError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if self.supervisor.as_ref().is_none_or(|s| s.is_finished()) {
                return Err(EmbeddedError::Step {
                    step: "start PostgreSQL".into(),
                    detail: format!("postgres exited early; its log says:\n{}", tail(log_path)),
                });
            }
            if ready_line_logged(log_path) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(EmbeddedError::Step {
                    step: "start PostgreSQL".into(),
                    detail: format!("not ready after 60 s; its log says:\n{}", tail(log_path)),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Where `initdb` and `postgres` live: PATH, then `pg_config --bindir`, then the newest
/// `/usr/lib/postgresql/*/bin`.
pub fn find_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    let from_path = std::env::var_os("PATH").into_iter().flat_map(|p| {
        std::env::split_paths(&p)
            .filter_map(|dir| dir.join("initdb").canonicalize().ok())
            .filter_map(|initdb| initdb.parent().map(Path::to_path_buf))
            .collect::<Vec<_>>()
    });
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let mut versioned: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versioned.sort_by_key(|v| std::cmp::Reverse(v.0));
    from_path
        .chain(from_pg_config)
        .chain(versioned.into_iter().map(|(_, dir)| dir))
        .find(|dir| has_both(dir))
}

fn lock_folder(data_dir: &Path) -> Result<File, EmbeddedError> {
    let path = data_dir.join("patchbay.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(step(format!("open {}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(_) => Err(EmbeddedError::InUse(format!(
            "the data folder {} is in use by another running Patchbay; stop it, or choose another \
             folder with --data-dir / PATCHBAY_DATA_DIR",
            data_dir.display()
        ))),
    }
}

/// The unprivileged user to run PostgreSQL as, when this process is root.
fn run_as() -> Result<Option<User>, EmbeddedError> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    let user = User::from_name("postgres")
        .ok()
        .flatten()
        .ok_or(EmbeddedError::NoUnprivilegedUser)?;
    tracing::info!(
        "running as root: the embedded PostgreSQL runs as the system user `postgres` (uid {})",
        user.uid
    );
    Ok(Some(user))
}

fn ensure_password(data_dir: &Path) -> Result<String, EmbeddedError> {
    let path = data_dir.join("pg-password");
    if let Ok(mut file) = File::open(&path) {
        let mut password = String::new();
        file.read_to_string(&mut password)
            .map_err(step(format!("read {}", path.display())))?;
        return Ok(password.trim().to_owned());
    }
    let password: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let mut file = OpenOptions::new()
        .create_new(true)
        .write(true)
        .mode(0o600)
        .open(&path)
        .map_err(step(format!("write {}", path.display())))?;
    file.write_all(password.as_bytes())
        .map_err(step(format!("write {}", path.display())))?;
    Ok(password)
}

fn chown(path: &Path, owner: Option<&User>) -> Result<(), EmbeddedError> {
    if let Some(user) = owner {
        std::os::unix::fs::chown(path, Some(user.uid.as_raw()), Some(user.gid.as_raw())).map_err(
            |e| EmbeddedError::Step {
                step: format!("give {} to user {}", path.display(), user.name),
                detail: e.to_string(),
            },
        )?;
    }
    Ok(())
}

fn command(bin: &Path, program: &str, owner: Option<&User>) -> Command {
    let mut cmd = Command::new(bin.join(program));
    if let Some(user) = owner {
        cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        cmd.env("HOME", &user.dir).env("USER", &user.name);
    }
    cmd.env_remove("PGDATA")
        .env_remove("PGPORT")
        .env_remove("PGHOST");
    cmd
}

fn init_cluster(
    bin: &Path,
    pgdata: &Path,
    password: &str,
    owner: Option<&User>,
    durability: Durability,
) -> Result<(), EmbeddedError> {
    // A folder without PG_VERSION is a cluster that never finished initdb: nothing to keep.
    if pgdata.exists() {
        fs::remove_dir_all(pgdata).map_err(step(format!("clear {}", pgdata.display())))?;
    }
    fs::create_dir_all(pgdata).map_err(step(format!("create {}", pgdata.display())))?;
    fs::set_permissions(pgdata, fs::Permissions::from_mode(0o700))
        .map_err(step(format!("protect {}", pgdata.display())))?;
    chown(pgdata, owner)?;
    let pwfile = pgdata.with_file_name("pg-password.initdb");
    fs::write(&pwfile, password).map_err(step("write initdb password file"))?;
    fs::set_permissions(&pwfile, fs::Permissions::from_mode(0o600))
        .map_err(step("protect initdb password file"))?;
    chown(&pwfile, owner)?;
    tracing::info!(pgdata = %pgdata.display(), "creating the embedded PostgreSQL cluster");
    let mut cmd = command(bin, "initdb", owner);
    cmd.arg("-D")
        .arg(pgdata)
        .args([
            "-U",
            "patchbay",
            "-E",
            "UTF8",
            "--no-locale",
            "--auth=scram-sha-256",
        ])
        .arg(format!("--pwfile={}", pwfile.display()));
    if durability == Durability::Throwaway {
        cmd.arg("--no-sync");
    }
    let output = cmd.output();
    let _ = fs::remove_file(&pwfile);
    let output = output.map_err(step("run initdb"))?;
    if !output.status.success() {
        let _ = fs::remove_dir_all(pgdata);
        return Err(EmbeddedError::Step {
            step: "initdb".into(),
            detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(())
}

/// Refuses a cluster that a live postmaster still holds; a stale `postmaster.pid` (left by a crash)
/// is fine: PostgreSQL replaces it and recovers from its WAL.
fn check_not_running(pgdata: &Path) -> Result<(), EmbeddedError> {
    let pid_file = pgdata.join("postmaster.pid");
    let Ok(text) = fs::read_to_string(&pid_file) else {
        return Ok(());
    };
    let pid = text
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok());
    match pid {
        Some(pid) if pid > 0 && process_alive(Pid::from_raw(pid)) => {
            Err(EmbeddedError::InUse(format!(
                "a PostgreSQL server (pid {pid}) is already running on {}; stop it before starting Patchbay",
                pgdata.display()
            )))
        }
        _ => {
            tracing::warn!(
                "the embedded PostgreSQL was not shut down cleanly last time; it will recover"
            );
            Ok(())
        }
    }
}

fn process_alive(pid: Pid) -> bool {
    matches!(
        signal::kill(pid, None),
        Ok(()) | Err(nix::errno::Errno::EPERM)
    )
}

fn free_port() -> Result<u16, EmbeddedError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(step("find a free port"))?;
    Ok(listener
        .local_addr()
        .map_err(step("find a free port"))?
        .port())
}

/// Where the cluster listens: the loopback port, and a Unix socket in `socket_dir` if any.
#[derive(Clone, Copy)]
struct Listen<'a> {
    port: u16,
    socket_dir: Option<&'a Path>,
}

/// `pgdata` as the folder of the cluster's Unix socket, when the socket's path fits the kernel's
/// limit (108 bytes with the terminator) and needs no quoting in a URL or in PostgreSQL's
/// `unix_socket_directories`; otherwise the cluster listens on TCP only.
fn socket_dir(pgdata: &Path, port: u16) -> Option<PathBuf> {
    let dir = pgdata.to_str()?;
    let plain = dir
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'));
    let socket_len = dir.len() + format!("/.s.PGSQL.{port}").len();
    (plain && socket_len < 100).then(|| pgdata.to_owned())
}

fn spawn_postgres(
    bin: &Path,
    pgdata: &Path,
    listen: Listen<'_>,
    log_path: &Path,
    owner: Option<&User>,
    durability: Durability,
) -> Result<(Pid, JoinHandle<()>), EmbeddedError> {
    let log = File::create(log_path).map_err(step(format!("create {}", log_path.display())))?;
    let log_err = log.try_clone().map_err(step("open the PostgreSQL log"))?;
    let mut cmd = command(bin, "postgres", owner);
    cmd.arg("-D")
        .arg(pgdata)
        .arg("-p")
        .arg(listen.port.to_string())
        .args(["-c", "listen_addresses=127.0.0.1", "-c"])
        .arg(format!(
            "unix_socket_directories={}",
            listen
                .socket_dir
                .map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or_default()
        ))
        .args(["-c", "max_connections=200"])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    if durability == Durability::Throwaway {
        cmd.args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off"]);
    }
    set_parent_death_signal(&mut cmd);

    // The parent-death signal fires when the *thread* that spawned the child exits, so a thread
    // that lives exactly as long as the child spawns and reaps it.
    let (tx, rx) = mpsc::channel();
    let supervisor = std::thread::Builder::new()
        .name("embedded-postgres".into())
        .spawn(move || match cmd.spawn() {
            Ok(mut child) => {
                let pid = i32::try_from(child.id()).map(Pid::from_raw);
                let _ = tx.send(pid.map_err(|e| e.to_string()));
                let _ = child.wait();
            }
            Err(err) => {
                let _ = tx.send(Err(err.to_string()));
            }
        })
        .map_err(step("start the supervisor thread"))?;
    match rx.recv() {
        Ok(Ok(pid)) => Ok((pid, supervisor)),
        Ok(Err(detail)) => Err(EmbeddedError::Step {
            step: "start postgres".into(),
            detail,
        }),
        Err(_) => Err(EmbeddedError::Step {
            step: "start postgres".into(),
            detail: "the supervisor thread ended early".into(),
        }),
    }
}

#[expect(
    unsafe_code,
    reason = "pre_exec runs between fork and exec; prctl is async-signal-safe"
)]
fn set_parent_death_signal(cmd: &mut Command) {
    // SAFETY: the closure only calls prctl(2), which is async-signal-safe, and allocates nothing.
    unsafe {
        cmd.pre_exec(|| nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(io::Error::from));
    }
}

fn ready_line_logged(log_path: &Path) -> bool {
    fs::read_to_string(log_path)
        .map(|log| log.contains("database system is ready to accept connections"))
        .unwrap_or(false)
}

fn tail(log_path: &Path) -> String {
    let log = fs::read_to_string(log_path).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_lives_in_the_cluster_folder_when_its_path_is_usable() {
        let short = Path::new("/var/lib/patchbay/pg");
        assert_eq!(socket_dir(short, 54321).as_deref(), Some(short));
        let long = PathBuf::from(format!("/{}/pg", "d".repeat(90)));
        assert_eq!(socket_dir(&long, 54321), None, "too long for a socket path");
        assert_eq!(socket_dir(Path::new("/tmp/my data/pg"), 54321), None);
        assert_eq!(socket_dir(Path::new("/tmp/a&b/pg"), 54321), None);
    }
}
