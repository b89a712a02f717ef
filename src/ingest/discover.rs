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
}

/// Lists every file under `input`, sorted by relative path.
pub fn discover(input: &Path) -> std::io::Result<Vec<Found>> {
    let mut out = Vec::new();
    walk(input, input, &mut out)?;
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Found>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let name = entry.file_name().to_string_lossy().into_owned();
        let meta = std::fs::symlink_metadata(&path)?;
        let skip = |why: &str| Found {
            path: path.clone(),
            rel: rel.clone(),
            claimed: None,
            skip: Some(why.to_owned()),
        };
        if meta.file_type().is_symlink() {
            out.push(skip(
                "a symbolic link; links are not followed (copy the file itself into the folder)",
            ));
        } else if meta.is_dir() {
            if name.starts_with('.') {
                out.push(skip("a hidden folder; its files are not read"));
            } else {
                walk(root, &path, out)?;
            }
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
    Ok(())
}
