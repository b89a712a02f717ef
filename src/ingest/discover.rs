//! Finding the input files: every file under the input folder, in sorted path order, each either
//! to be read or skipped with a reason. Symbolic links are listed and not followed.

use super::read::Format;
use std::path::{Path, PathBuf};

/// A file found under the input folder.
#[derive(Debug, Clone)]
pub struct Found {
    /// Absolute or input-relative path to open.
    pub path: PathBuf,
    /// Path relative to the input folder, `/`-separated (the `source_file` lineage value).
    pub rel: String,
    /// What the extension claims, when it is one we read.
    pub claimed: Option<Format>,
    /// Why the file is skipped, when it is.
    pub skip: Option<String>,
    /// Why the entry could not be read at all (a folder without permission to list it, an
    /// entry that vanished while the folder was listed): quarantined, so the run says partial.
    pub broken: Option<String>,
}

impl Found {
    /// The format the file is read as: what its extension claims, unless it is skipped or
    /// broken (then it is not read).
    pub fn to_read(&self) -> Option<Format> {
        self.claimed
            .filter(|_| self.skip.is_none() && self.broken.is_none())
    }
}

/// Lists every file under `input`, sorted by relative path. Only the input folder itself not
/// being listable is an error; a sub-folder that cannot be listed, or an entry that vanishes
/// while it is listed, becomes a [`Found`] with `broken` set, and the other files are read.
pub fn discover(input: &Path) -> std::io::Result<Vec<Found>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(input)?;
    walk(input, input, entries, &mut out);
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn rel_of(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn broken(path: &Path, rel: String, why: String) -> Found {
    Found {
        path: path.to_owned(),
        rel,
        claimed: None,
        skip: None,
        broken: Some(why),
    }
}

fn walk(root: &Path, dir: &Path, entries: std::fs::ReadDir, out: &mut Vec<Found>) {
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(broken(
                    dir,
                    rel_of(root, dir),
                    format!("an entry of the folder cannot be read ({e})"),
                ));
                continue;
            }
        };
        let path = entry.path();
        let rel = rel_of(root, &path);
        let name = entry.file_name().to_string_lossy().into_owned();
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                out.push(broken(
                    &path,
                    rel,
                    format!("it vanished or cannot be read while the folder was listed ({e})"),
                ));
                continue;
            }
        };
        let skip = |why: &str| Found {
            path: path.clone(),
            rel: rel.clone(),
            claimed: None,
            skip: Some(why.to_owned()),
            broken: None,
        };
        if meta.file_type().is_symlink() {
            out.push(skip(
                "a symbolic link; links are not followed (copy the file itself into the folder)",
            ));
        } else if meta.is_dir() {
            if name.starts_with('.') {
                out.push(skip("a hidden folder; its files are not read"));
            } else {
                match std::fs::read_dir(&path) {
                    Ok(entries) => walk(root, &path, entries, out),
                    Err(e) => out.push(broken(&path, rel, format!(
                        "a folder that cannot be read ({e}): none of its files were read; give sandogh permission to read it"
                    ))),
                }
            }
        } else if !meta.is_file() {
            // A named pipe, socket or device would block or never end when read.
            out.push(skip(
                "not a regular file (a named pipe, socket or device); only files are read",
            ));
        } else if name.starts_with("~$") || name.starts_with(".~lock") {
            out.push(skip(
                "an Office lock file left while the workbook was open; not data",
            ));
        } else if name.starts_with('.') {
            out.push(skip("a hidden file"));
        } else {
            let ext = Path::new(&name)
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            match Format::from_extension(&ext) {
                Some(f) => out.push(Found {
                    path,
                    rel,
                    claimed: Some(f),
                    skip: None,
                    broken: None,
                }),
                None => {
                    out.push(skip(&format!(
                    "not a spreadsheet ({}); only .xlsx, .xlsm, .xls, .ods and .csv files are read",
                    if ext.is_empty() { "no extension".to_owned() } else { format!(".{ext}") }
                )))
                }
            }
        }
    }
}
