//! Packages read, refused, verified on a real executor and stored in a real database.

mod expectations;
mod parse;
mod refuse;
mod scoring;
mod scripts;
mod select;
mod store;
mod verify;

use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
    sync::OnceLock,
};

use joust_common::execution::DEVELOPMENT_EXECUTOR_TOKEN;
use joust_problems::{Bounds, HttpExecutor, Package, PackageFiles};

/// A package of `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fixture's files, read as a directory.
pub fn fixture_files(name: &str) -> PackageFiles {
    PackageFiles::read_path(&fixture(name), &Bounds::default()).expect("the fixture reads")
}

/// A fixture, parsed.
pub fn fixture_package(name: &str) -> Package {
    joust_problems::parse(&fixture_files(name)).expect("the fixture parses")
}

/// `files` as a zip archive: `(path, content)`; a path ending in `@link` is stored as a
/// symbolic link to the content.
pub fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, content) in files {
        if let Some(link) = path.strip_suffix("@link") {
            zip.add_symlink(link, std::str::from_utf8(content).unwrap(), options)
                .unwrap();
        } else {
            zip.start_file(*path, options).unwrap();
            zip.write_all(content).unwrap();
        }
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// Every file of a fixture as a zip, under one top folder named after it.
pub fn fixture_zip(name: &str) -> Vec<u8> {
    let files = fixture_files(name);
    let owned: Vec<(String, Vec<u8>)> = files
        .files
        .iter()
        .map(|(path, data)| (format!("{name}/{path}"), data.clone()))
        .collect();
    let borrowed: Vec<(&str, &[u8])> = owned
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice()))
        .collect();
    zip_of(&borrowed)
}

/// A fixture's files with `change` applied (insert or, with `None`, remove).
pub fn fixture_with(name: &str, change: &[(&str, Option<&str>)]) -> PackageFiles {
    let mut files = fixture_files(name);
    for (path, content) in change {
        match content {
            Some(text) => drop(
                files
                    .files
                    .insert((*path).to_owned(), text.as_bytes().to_vec()),
            ),
            None => drop(files.files.remove(*path)),
        }
    }
    files
}

/// An executor with the real sandbox, started once for the whole test binary on its own
/// runtime (each test has its own runtime, which ends with the test).
pub fn executor() -> HttpExecutor {
    static URL: OnceLock<String> = OnceLock::new();
    let url = URL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("executor runtime");
            runtime.block_on(async move {
                let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
                let sandbox = joust_sandbox::SandboxConfig::from_env().expect("sandbox settings");
                let settings = joust_executor::Settings {
                    port: 0,
                    sandbox: joust_sandbox::SandboxConfig {
                        runtime_dir: workspace.join(&sandbox.runtime_dir),
                        cache_dir: workspace.join(&sandbox.cache_dir),
                        max_concurrent_runs: 2,
                        ..sandbox
                    },
                    ..joust_executor::Settings::default()
                };
                let app = joust_executor::Application::build(settings)
                    .await
                    .expect("executor starts");
                tx.send(format!("http://127.0.0.1:{}", app.port())).unwrap();
                app.run_until_stopped().await.unwrap();
            });
        });
        rx.recv().expect("executor url")
    });
    HttpExecutor::new(url.clone(), DEVELOPMENT_EXECUTOR_TOKEN)
}

/// Files as a map, for building packages in tests.
pub fn files_of(name: &str, files: &[(&str, &str)]) -> PackageFiles {
    PackageFiles {
        name: name.to_owned(),
        files: files
            .iter()
            .map(|(p, c)| ((*p).to_owned(), c.as_bytes().to_vec()))
            .collect::<BTreeMap<_, _>>(),
    }
}
