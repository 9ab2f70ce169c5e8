//! Reading a package's files into memory from a directory, a `.zip` or a `.kpp` (a zip), with
//! every bound checked before a byte is trusted: no symlinks, no paths leaving the package, no
//! file above [`Bounds::file_bytes`], no more than [`Bounds::total_bytes`] unpacked, no entry
//! that inflates more than [`Bounds::ratio`] times. What the files mean is `package`'s.

use std::{
    collections::BTreeMap,
    io::{Cursor, Read},
    path::Path,
};

use crate::report::Report;

/// The limits a package is read under. The defaults suit problems judged in a battle: test data
/// is bounded by the executor anyway, so anything far larger is a mistake or an attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Largest archive accepted, as uploaded.
    pub archive_bytes: u64,
    /// Largest single file once unpacked.
    pub file_bytes: u64,
    /// Most bytes unpacked in all.
    pub total_bytes: u64,
    /// Most files (directories not counted).
    pub files: usize,
    /// Largest inflation of one entry (unpacked / packed), checked on entries above 1 MiB.
    pub ratio: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            archive_bytes: 64 << 20,
            file_bytes: 16 << 20,
            total_bytes: 256 << 20,
            files: 10_000,
            ratio: 100,
        }
    }
}

/// A package's files by their `/`-separated path relative to the package root, and the name
/// the package came with (its directory or archive name, or the one folder inside the archive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageFiles {
    pub name: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl PackageFiles {
    /// Reads a directory, or a `.zip`/`.kpp` file, from disk.
    pub fn read_path(path: &Path, bounds: &Bounds) -> Result<Self, Report> {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let meta = std::fs::symlink_metadata(path)
            .map_err(|e| Report::single(format!("{}: {e}", path.display())))?;
        if meta.is_dir() {
            let mut report = Report::default();
            let mut files = PackageFiles {
                name: stem,
                files: BTreeMap::new(),
            };
            let mut total = 0;
            read_dir(path, "", bounds, &mut files, &mut total, &mut report);
            return report.into_result(files);
        }
        if meta.len() > bounds.archive_bytes {
            return Err(Report::single(format!(
                "the archive has {} bytes, above the limit of {}",
                meta.len(),
                bounds.archive_bytes
            )));
        }
        let bytes =
            std::fs::read(path).map_err(|e| Report::single(format!("{}: {e}", path.display())))?;
        Self::read_zip(&bytes, &stem, bounds)
    }

    /// Reads a zip archive held in memory; `name` is used when the archive has no single
    /// top-level folder.
    pub fn read_zip(bytes: &[u8], name: &str, bounds: &Bounds) -> Result<Self, Report> {
        if bytes.len() as u64 > bounds.archive_bytes {
            return Err(Report::single(format!(
                "the archive has {} bytes, above the limit of {}",
                bytes.len(),
                bounds.archive_bytes
            )));
        }
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| Report::single(format!("not a readable zip archive: {e}")))?;
        let mut report = Report::default();
        let mut files = BTreeMap::new();
        let mut total: u64 = 0;
        if archive.len() > bounds.files {
            report.add(format!(
                "the archive has {} entries, above the limit of {}",
                archive.len(),
                bounds.files
            ));
            return Err(report);
        }
        for index in 0..archive.len() {
            let mut entry = match archive.by_index(index) {
                Ok(entry) => entry,
                Err(e) => {
                    report.add(format!("entry {index}: unreadable: {e}"));
                    continue;
                }
            };
            let raw = entry.name().to_owned();
            if entry.is_symlink() {
                report.add(format!("{raw}: symbolic links are not allowed"));
                continue;
            }
            let Some(path) = safe_path(&raw) else {
                report.add(format!("{raw}: the path leaves the package"));
                continue;
            };
            if entry.is_dir() {
                continue;
            }
            if entry.size() > bounds.file_bytes {
                report.add(format!(
                    "{path}: {} bytes, above the file limit of {}",
                    entry.size(),
                    bounds.file_bytes
                ));
                continue;
            }
            // The header's sizes are the archive's word only: read at most one byte past the
            // limit, whatever it claims.
            let mut data = Vec::new();
            let limit = bounds
                .file_bytes
                .min(bounds.total_bytes.saturating_sub(total));
            if let Err(e) = (&mut entry).take(limit + 1).read_to_end(&mut data) {
                report.add(format!("{path}: unreadable: {e}"));
                continue;
            }
            let size = data.len() as u64;
            if size > limit {
                if size > bounds.file_bytes {
                    report.add(format!(
                        "{path}: more than {} bytes unpacked, above the file limit",
                        bounds.file_bytes
                    ));
                } else {
                    report.add(format!(
                        "the archive unpacks to more than {} bytes in all",
                        bounds.total_bytes
                    ));
                    return Err(report);
                }
                continue;
            }
            let packed = entry.compressed_size().max(1);
            if size > 1 << 20 && size / packed > bounds.ratio {
                report.add(format!(
                    "{path}: inflates {}×, above the limit of {}× (a zip bomb?)",
                    size / packed,
                    bounds.ratio
                ));
                continue;
            }
            total += size;
            files.insert(path, data);
        }
        let package = strip_top_folder(files, name);
        report.into_result(package)
    }
}

/// The normalized form of an archive path, or `None` when it is absolute or climbs out.
pub fn safe_path(raw: &str) -> Option<String> {
    if raw.starts_with('/') || raw.starts_with('\\') || raw.contains('\0') || raw.contains(':') {
        return None;
    }
    let mut parts = Vec::new();
    for part in raw.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return None,
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Archives usually hold one folder named after the problem: its contents are the package.
fn strip_top_folder(files: BTreeMap<String, Vec<u8>>, name: &str) -> PackageFiles {
    if files.contains_key("problem.yaml") {
        return PackageFiles {
            name: name.to_owned(),
            files,
        };
    }
    let tops: std::collections::BTreeSet<&str> = files
        .keys()
        .map(|path| path.split('/').next().unwrap_or_default())
        .collect();
    match tops.iter().next() {
        Some(top) if tops.len() == 1 && files.keys().all(|p| p.contains('/')) => {
            let top = top.to_string();
            let prefix = format!("{top}/");
            PackageFiles {
                name: top,
                files: files
                    .into_iter()
                    .map(|(path, data)| (path[prefix.len()..].to_owned(), data))
                    .collect(),
            }
        }
        _ => PackageFiles {
            name: name.to_owned(),
            files,
        },
    }
}

fn read_dir(
    dir: &Path,
    prefix: &str,
    bounds: &Bounds,
    out: &mut PackageFiles,
    total: &mut u64,
    report: &mut Report,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return report.add(format!("{}: {e}", dir.display())),
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}{name}");
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            report.add(format!("{path}: unreadable"));
            continue;
        };
        if meta.file_type().is_symlink() {
            report.add(format!("{path}: symbolic links are not allowed"));
        } else if meta.is_dir() {
            read_dir(
                &entry.path(),
                &format!("{path}/"),
                bounds,
                out,
                total,
                report,
            );
        } else if meta.len() > bounds.file_bytes {
            report.add(format!(
                "{path}: {} bytes, above the file limit of {}",
                meta.len(),
                bounds.file_bytes
            ));
        } else if out.files.len() >= bounds.files {
            return report.add(format!("more than {} files", bounds.files));
        } else if *total + meta.len() > bounds.total_bytes {
            return report.add(format!("more than {} bytes in all", bounds.total_bytes));
        } else {
            match std::fs::read(entry.path()) {
                Ok(data) => {
                    *total += data.len() as u64;
                    out.files.insert(path, data);
                }
                Err(e) => report.add(format!("{path}: {e}")),
            }
        }
    }
}
