//! Rust with Debian's rustc, whose wasm32-wasi standard library is the only crate available.
//!
//! Running the command and caching its artifact is `compiler`; the other languages are in
//! `clang` and `go`.

use super::command::{Command, CompilerPaths, scratch_env};
use crate::jail::Toolchain;

/// Edition 2021, optimized, stripped, with a 16 MiB main stack.
pub(super) fn command(paths: &CompilerPaths) -> anyhow::Result<Command> {
    let rustc = std::fs::canonicalize(&paths.rustc)?;
    let mut env = vec![("PATH".into(), "/usr/bin".into())];
    env.extend(scratch_env());
    let toolchain = Toolchain {
        executables: vec![rustc.clone(), std::fs::canonicalize("/usr/bin/rust-lld")?],
        paths: vec![
            "/usr/bin/rust-lld".into(),
            "/usr/lib/rustlib/wasm32-wasi".into(),
        ],
        env,
        proc_self_exe: Some(rustc.clone()),
    };
    let argv = [
        rustc.display().to_string().as_str(),
        "--sysroot=/usr",
        "--target=wasm32-wasi",
        "--edition=2021",
        "--crate-name=main",
        "-O",
        "-Cstrip=symbols",
        "-Ccodegen-units=1",
        "-Clink-arg=-zstack-size=16777216",
        "--color=never",
        "-o",
        "/job/main.wasm",
        "/job/main.rs",
    ]
    .map(String::from)
    .to_vec();
    Ok(Command {
        toolchain,
        source_name: "main.rs",
        argv,
        link_argv: None,
        cxx_include: None,
        validator: None,
    })
}
