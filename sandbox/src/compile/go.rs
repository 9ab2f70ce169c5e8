//! Go with the toolchain's own compiler and linker (GOOS=wasip1 GOARCH=wasm), called directly
//! rather than through `go build`: two jailed steps, standard library only.
//!
//! Running the commands and caching their artifact is `compiler`; the other languages are in
//! `clang` and `rustc`.

use super::command::{Command, CompilerPaths, scratch_env};
use crate::jail::Toolchain;

/// `compile` into an archive, then `link` it into `main.wasm`.
pub(super) fn command(paths: &CompilerPaths) -> anyhow::Result<Command> {
    let go_root = std::fs::canonicalize(&paths.go_root).map_err(|e| {
        anyhow::anyhow!(
            "Go at {}: {e} (run `make runtimes`)",
            paths.go_root.display()
        )
    })?;
    let importcfg = std::fs::canonicalize(&paths.go_importcfg)?;
    let tools = go_root.join("pkg/tool/linux_amd64");
    let mut env = vec![
        ("GOOS".into(), "wasip1".into()),
        ("GOARCH".into(), "wasm".into()),
        ("GOROOT".into(), go_root.display().to_string()),
        ("PATH".into(), "/usr/bin".into()),
    ];
    env.extend(scratch_env());
    // The tools are static binaries: the toolchain is the GOROOT and the import map.
    let toolchain = Toolchain {
        executables: vec![],
        paths: vec![go_root.clone(), importcfg.clone()],
        env,
        proc_self_exe: None,
    };
    let importcfg = importcfg.display().to_string();
    let argv = vec![
        tools.join("compile").display().to_string(),
        "-p".into(),
        "main".into(),
        "-complete".into(),
        "-importcfg".into(),
        importcfg.clone(),
        "-o".into(),
        "/job/main.o".into(),
        "-pack".into(),
        "/job/main.go".into(),
    ];
    let link_argv = vec![
        tools.join("link").display().to_string(),
        "-importcfg".into(),
        importcfg,
        "-buildmode=exe".into(),
        "-s".into(),
        "-o".into(),
        "/job/main.wasm".into(),
        "/job/main.o".into(),
    ];
    Ok(Command {
        toolchain,
        source_name: "main.go",
        argv,
        link_argv: Some(link_argv),
        cxx_include: None,
        validator: None,
    })
}
