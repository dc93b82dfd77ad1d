//! Builds GraphiQL's browser bundle (web/graphiql/dist) from npm packages when it is missing, so
//! `cargo run` on a fresh checkout serves a working, offline /graphiql. Nothing third-party is
//! committed: the bundle comes from web/graphiql/package-lock.json via `npm ci` and esbuild.
//! Without npm the server still builds; /graphiql then explains how to build the bundle.
//! Set PATCHBAY_SKIP_GRAPHIQL_BUILD=1 to skip.

use std::{path::Path, process::Command};

fn main() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/graphiql");
    for watched in ["package-lock.json", "src/main.jsx", "dist/graphiql.js"] {
        println!("cargo:rerun-if-changed={}", web.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=PATCHBAY_SKIP_GRAPHIQL_BUILD");
    println!("cargo::rustc-check-cfg=cfg(graphiql_bundle)");
    let built = || web.join("dist/graphiql.js").exists() && web.join("dist/graphiql.css").exists();
    if !built() && std::env::var_os("PATCHBAY_SKIP_GRAPHIQL_BUILD").is_none() {
        build(&web);
    }
    if built() {
        println!("cargo:rustc-cfg=graphiql_bundle");
    }
}

fn build(web: &Path) {
    let npm = |args: &[&str]| {
        Command::new("npm")
            .args(args)
            .current_dir(web)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !(npm(&["ci", "--no-audit", "--no-fund"]) && npm(&["run", "build"])) {
        println!(
            "cargo:warning=GraphiQL bundle not built (needs npm and the npm registry): \
             run `npm ci && npm run build` in web/graphiql, or /graphiql will show how"
        );
    }
}
