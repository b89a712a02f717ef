//! The plan of a run: the command line's flags and the pipeline file resolved into one set of
//! checked settings before any stage starts, so that every configuration problem is reported
//! at once (not the first one after ingest has run) and every command reads the same settings
//! the same way.
//!
//! Precedence, for each setting: the flag, else the pipeline file, else the default (input
//! `sample-data`, out `out`, the latest quarter, both languages, the built-in report).

use crate::calendar::Quarter;
use crate::config::Pipeline;
use crate::report::config::ReportDef;
use crate::report::i18n::Lang;
use std::path::{Path, PathBuf};

/// What the command line says, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `run PIPELINE.toml` or `--pipeline`.
    pub pipeline: Option<PathBuf>,
    /// `--input`.
    pub input: Option<PathBuf>,
    /// `--out`.
    pub out: Option<PathBuf>,
    /// `--quarter`: one quarter or a range `A..B`.
    pub quarter: Option<String>,
    /// `--lang`, each value a language code.
    pub langs: Vec<String>,
}

/// A quarter or a range of quarters (`1402Q1..1403Q2`, both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarters {
    /// The first quarter of the range.
    pub first: Quarter,
    /// The last one (the same as `first` for a single quarter).
    pub last: Quarter,
}

impl Quarters {
    /// Parses `1403Q2` or `1402Q1..1403Q2`; the message says how to write one.
    pub fn parse(text: &str) -> Result<Quarters, String> {
        let (a, b) = text.split_once("..").unwrap_or((text, text));
        let one = |t: &str| {
            Quarter::parse(t.trim()).ok_or_else(|| {
                format!(
                    "«{}» is not a quarter; write it like 1403Q2 or 1403-Q2",
                    t.trim()
                )
            })
        };
        let (first, last) = (one(a)?, one(b)?);
        if last < first {
            return Err(format!(
                "the range «{text}» ends before it starts; write the earlier quarter first, e.g. 1402Q1..1403Q2"
            ));
        }
        Ok(Quarters { first, last })
    }

    /// Every quarter of the range, in order.
    pub fn all(self) -> Vec<Quarter> {
        let mut out = Vec::new();
        let mut q = self.first;
        while q <= self.last {
            out.push(q);
            q = q.next();
        }
        out
    }
}

/// A run's settings, every one checked.
#[derive(Debug)]
pub struct Plan {
    /// The pipeline file read (none: the built-in pipeline).
    pub pipeline_file: Option<PathBuf>,
    /// The pipeline.
    pub pipeline: Pipeline,
    /// The folder of county exports (it exists).
    pub input: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// The quarter or range asked for (none: the latest).
    pub quarters: Option<Quarters>,
    /// The report languages.
    pub langs: Vec<Lang>,
    /// The report definition.
    pub report: ReportDef,
    /// Things worth saying that are not errors (e.g. a report file not found, built-in used).
    pub notes: Vec<String>,
    /// sha256 of the pipeline file's bytes as they were read (none: the built-in pipeline).
    pub pipeline_sha256: Option<String>,
    /// sha256 of the report definition file's bytes as they were read (none: built-in).
    pub report_sha256: Option<String>,
}

/// A file's text and the sha256 of exactly those bytes.
fn read_hashed(path: &Path) -> std::io::Result<(String, String)> {
    use sha2::Digest;
    let text = std::fs::read_to_string(path)?;
    let hash = crate::text::hex(&sha2::Sha256::digest(text.as_bytes()));
    Ok((text, hash))
}

/// The pipeline file `run` reads when none is named, if it is there.
pub const DEFAULT_PIPELINE_FILE: &str = "pipelines/quarterly.toml";

/// Resolves and checks every setting of a run. On failure, returns every problem found, each
/// a sentence that names the file or flag and what to write instead.
pub fn resolve(flags: &Flags) -> Result<Plan, Vec<String>> {
    let mut problems = Vec::new();
    let default_file = Path::new(DEFAULT_PIPELINE_FILE);
    let pipeline_file = match &flags.pipeline {
        Some(p) => Some(p.clone()),
        None if default_file.is_file() => Some(default_file.to_owned()),
        None => None,
    };
    let mut pipeline_sha256 = None;
    let mut pipeline_text = String::new();
    let pipeline = match &pipeline_file {
        Some(p) => match read_hashed(p) {
            Ok((text, hash)) => {
                pipeline_sha256 = Some(hash);
                pipeline_text = text.clone();
                Pipeline::parse(&text, p).unwrap_or_else(|e| {
                    problems.push(e.to_string());
                    Pipeline::default_pipeline()
                })
            }
            Err(e) => {
                problems.push(format!(
                    "cannot read the pipeline file {}: {e}",
                    p.display()
                ));
                Pipeline::default_pipeline()
            }
        },
        None => Pipeline::default_pipeline(),
    };
    let pick = |flag: &Option<PathBuf>, from: &Option<PathBuf>, default: &str| {
        flag.clone()
            .or_else(|| from.clone())
            .unwrap_or_else(|| PathBuf::from(default))
    };
    let input = pick(&flags.input, &pipeline.input, "sample-data");
    let out = pick(&flags.out, &pipeline.out, "out");
    if !input.is_dir() {
        // Name where the folder came from: the flag, the pipeline file's line, or the default.
        let from = match (&flags.input, &pipeline.input, &pipeline_file) {
            (Some(_), _, _) => "given by --input".to_owned(),
            (None, Some(_), Some(file)) => format!(
                "set by `input` in {}{}",
                file.display(),
                crate::config::line_of_key(&pipeline_text, "input")
                    .map(|l| format!(", line {l}"))
                    .unwrap_or_default()
            ),
            _ => "the default".to_owned(),
        };
        problems.push(format!(
            "the input folder {} ({from}) does not exist or is not a folder; pass --input DIR or set `input` in the pipeline file",
            input.display()
        ));
    }
    let quarters = match flags.quarter.as_deref().or(pipeline.quarter.as_deref()) {
        Some(text) => Quarters::parse(text).map(Some).unwrap_or_else(|m| {
            problems.push(m);
            None
        }),
        None => None,
    };
    let langs = languages(&flags.langs, &pipeline).unwrap_or_else(|m| {
        problems.push(m);
        Vec::new()
    });
    let mut notes = Vec::new();
    let mut report_sha256 = None;
    let report = match report_definition_hashed(&pipeline, &mut notes, &mut report_sha256) {
        Ok(r) => Some(r),
        Err(m) => {
            problems.push(m);
            None
        }
    };
    let Some(report) = report.filter(|_| problems.is_empty()) else {
        return Err(problems);
    };
    Ok(Plan {
        pipeline_file,
        pipeline,
        input,
        out,
        quarters,
        langs,
        report,
        notes,
        pipeline_sha256,
        report_sha256,
    })
}

/// The languages asked for: the flags, else the pipeline's, else both.
pub fn languages(flags: &[String], pipeline: &Pipeline) -> Result<Vec<Lang>, String> {
    let codes = if flags.is_empty() {
        &pipeline.languages
    } else {
        flags
    };
    let mut langs = Vec::new();
    let mut bad = Vec::new();
    for code in codes {
        match Lang::parse(code) {
            Some(l) if !langs.contains(&l) => langs.push(l),
            Some(_) => {}
            None => bad.push(format!("«{code}»")),
        }
    }
    if !bad.is_empty() {
        return Err(format!(
            "{} is not a report language; use fa or en",
            bad.join(", ")
        ));
    }
    if langs.is_empty() {
        langs = Lang::ALL.to_vec();
    }
    Ok(langs)
}

/// The report definition: the pipeline's file when it exists, else the built-in one (with a
/// note saying so).
pub fn report_definition(
    pipeline: &Pipeline,
    notes: &mut Vec<String>,
) -> Result<ReportDef, String> {
    report_definition_hashed(pipeline, notes, &mut None)
}

/// [`report_definition`], setting `hash` to the sha256 of the file's bytes when one was read.
fn report_definition_hashed(
    pipeline: &Pipeline,
    notes: &mut Vec<String>,
    hash: &mut Option<String>,
) -> Result<ReportDef, String> {
    let loaded = match &pipeline.report {
        Some(path) if path.is_file() => {
            let (text, h) = read_hashed(path)
                .map_err(|e| format!("cannot read the report file {}: {e}", path.display()))?;
            *hash = Some(h);
            ReportDef::parse(&text, path)
        }
        Some(path) => {
            notes.push(format!(
                "the report file {} was not found; using the built-in reports/quarterly.toml",
                path.display()
            ));
            ReportDef::builtin()
        }
        None => ReportDef::builtin(),
    };
    let mut def = loaded.map_err(|e| e.to_string())?;
    apply_thresholds(&mut def, pipeline);
    Ok(def)
}

/// The pipeline's thresholds replace the report definition's flag of their indicator, in its
/// place (or are added at the end).
fn apply_thresholds(def: &mut ReportDef, pipeline: &Pipeline) {
    for (indicator, t) in &pipeline.thresholds {
        let flag = crate::report::config::Flag {
            indicator: indicator.clone(),
            above: t.above,
            below: t.below,
        };
        // The first flag of the indicator is where the new one goes; those before it stay.
        let at = def.flags.iter().position(|f| &f.indicator == indicator);
        def.flags.retain(|f| &f.indicator != indicator);
        let at = at.unwrap_or(def.flags.len());
        def.flags.insert(at, flag);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_of_the_settings_is_reported_at_once() {
        let flags = Flags {
            input: Some(PathBuf::from("/no/such/folder")),
            quarter: Some("1403Q5".into()),
            langs: vec!["fa".into(), "de".into()],
            ..Flags::default()
        };
        let problems = resolve(&flags).expect_err("three problems");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("/no/such/folder"), "{problems:?}");
        assert!(
            problems[1].contains("«1403Q5» is not a quarter"),
            "{problems:?}"
        );
        assert!(
            problems[2].contains("«de» is not a report language"),
            "{problems:?}"
        );
    }

    #[test]
    fn the_pipelines_thresholds_replace_the_reports_flags() {
        let mut p = Pipeline::default_pipeline();
        let text = format!(
            "{}\n[thresholds]\npar30 = {{ above = 0.1 }}\nportfolio_outstanding = {{ below = 5 }}\n",
            crate::config::DEFAULT_PIPELINE
        );
        p.thresholds = Pipeline::parse(&text, Path::new("p.toml"))
            .expect("parses")
            .thresholds;
        let def = report_definition(&p, &mut Vec::new()).expect("report");
        let builtin = ReportDef::builtin().expect("builtin");
        let flags: Vec<(&str, Option<f64>, Option<f64>)> = def
            .flags
            .iter()
            .map(|f| (f.indicator.as_str(), f.above, f.below))
            .collect();
        assert_eq!(builtin.flags[0].indicator, "par30");
        assert_eq!(flags[0], ("par30", Some(0.1), None), "in the flag's place");
        assert_eq!(flags.len(), builtin.flags.len() + 1);
        assert_eq!(
            flags.last().copied(),
            Some(("portfolio_outstanding", None, Some(5.0)))
        );
        let bad = format!("{text}on_time = {{ below = 0.9 }}\n");
        let e = Pipeline::parse(&bad, Path::new("p.toml")).expect_err("unknown indicator");
        let line = bad.lines().count();
        assert!(
            e.to_string().contains(&format!(
                "line {line}: thresholds.on_time: no such indicator"
            )),
            "{e}"
        );
    }

    #[test]
    fn a_missing_input_folder_names_where_it_was_set() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("p.toml");
        let text = crate::config::DEFAULT_PIPELINE
            .replace("input = \"sample-data\"", "input = \"/no/such/exports\"");
        std::fs::write(&file, &text).expect("write");
        let line = text
            .lines()
            .position(|l| l.starts_with("input ="))
            .expect("input line")
            + 1;
        let flags = Flags {
            pipeline: Some(file.clone()),
            ..Flags::default()
        };
        let problems = resolve(&flags).expect_err("missing folder");
        let expected = format!("set by `input` in {}, line {line}", file.display());
        assert!(problems[0].contains(&expected), "{problems:?}");
    }

    #[test]
    fn quarter_ranges_read_in_order_and_a_reversed_one_is_refused() {
        let r = Quarters::parse("1402Q3..1403Q2").expect("range");
        assert_eq!(r.all().len(), 4);
        assert_eq!(Quarters::parse("1403Q1").expect("one").all().len(), 1);
        assert!(Quarters::parse("1403Q2..1402Q3")
            .expect_err("reversed")
            .contains("ends before it starts"));
    }
}
