//! The report stage on the bundled sample province: `sandogh run` writes both workbooks and the
//! chart images; they are read back (calamine for cells, the zip parts for what calamine does not
//! show: right to left, charts, conditional formats, panes, print setup) and compared with the
//! indicators table (its CSV twin, read here independently of the report's own reader).
//! Also: the report file's errors name the key, text that looks like a formula stays text,
//! identical inputs give identical bytes, and the label and number helpers.

use calamine::{open_workbook_auto, Data, Reader};
use sandogh::calendar::{CalendarKind, Quarter};
use sandogh::report::config::{ReportDef, DEFAULT_REPORT};
use sandogh::report::i18n::{
    date_label, format_number, format_percent, period_label, quarter_label, threshold_label, Lang,
};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const Q: &str = "1403Q4";

fn sandogh(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sandogh"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run sandogh")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// One `sandogh run` of the sample province (the bundled sample-data/, or a freshly generated
/// one if it is not there), shared by the tests.
fn sample_out() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-test");
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        let input = if root.join("sample-data").is_dir() {
            root.join("sample-data")
        } else {
            let made = base.join("input");
            let o = sandogh(&["sample-data", "--out", made.to_str().unwrap()], root);
            assert!(o.status.success(), "{}", text(&o));
            made
        };
        let out = base.join("out");
        let o = sandogh(
            &[
                "run",
                "--input",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            root,
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(text(&o).contains("report →"), "{}", text(&o));
        out
    })
}

fn report_dir() -> PathBuf {
    sample_out().join("reports").join(Q)
}

fn workbook(lang: &str) -> PathBuf {
    report_dir().join(format!("sandogh-{Q}-{lang}.xlsx"))
}

fn lang_of(code: &str) -> Lang {
    Lang::parse(code).unwrap()
}

/// A part of an .xlsx file (a zip) as text.
fn part(path: &Path, name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = zip.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    Some(s)
}

fn part_names(path: &Path) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    zip.file_names().map(|n| n.unwrap().into_owned()).collect()
}

/// The indicators table's rows for one quarter, from its CSV twin:
/// (level, county, fund_id, indicator) → value.
fn table(q: &str) -> HashMap<(String, String, String, String), Option<f64>> {
    let mut r = csv::Reader::from_path(sample_out().join("indicators/indicators.csv")).unwrap();
    let mut out = HashMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[0] != q {
            continue;
        }
        let v = (!rec[7].is_empty()).then(|| rec[7].parse::<f64>().unwrap());
        out.insert(
            (
                rec[3].to_owned(),
                rec[4].to_owned(),
                rec[5].to_owned(),
                rec[6].to_owned(),
            ),
            v,
        );
    }
    out
}

fn def() -> ReportDef {
    ReportDef::builtin().unwrap()
}

fn header_of(def: &ReportDef, ind: &str, lang: Lang) -> String {
    let label = def.label(ind, lang);
    match sandogh::indicators::find(ind).unwrap().kind {
        sandogh::indicators::IndicatorKind::Amount
        | sandogh::indicators::IndicatorKind::AmountPer => {
            format!("{label} ({})", def.text(lang).unit_rials)
        }
        _ => label.to_owned(),
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn both_workbooks_and_every_chart_file_are_written() {
    let dir = report_dir();
    for lang in ["fa", "en"] {
        assert!(workbook(lang).is_file(), "{lang}");
        for chart in &def().summary.charts {
            for ext in ["svg", "png"] {
                let f = dir
                    .join("charts")
                    .join(format!("{}-{lang}.{ext}", chart.name));
                assert!(f.is_file(), "{}", f.display());
            }
        }
    }
}

#[test]
fn sheets_headers_and_direction() {
    let def = def();
    for code in ["fa", "en"] {
        let lang = lang_of(code);
        let mut wb = open_workbook_auto(workbook(code)).unwrap();
        let expected: Vec<String> = def
            .sheets
            .iter()
            .map(|s| def.sheet_name(*s, lang).to_owned())
            .collect();
        assert_eq!(wb.sheet_names(), expected, "{code}");
        let t = def.text(lang);

        let summary = wb.worksheet_range(&t.sheet_summary).unwrap();
        assert_eq!(cell_text(summary.get_value((0, 0)).unwrap()), t.title);
        assert_eq!(cell_text(summary.get_value((4, 0)).unwrap()), t.indicator);
        for (i, ind) in def.summary.indicators.iter().enumerate() {
            assert_eq!(
                cell_text(summary.get_value((5 + i as u32, 0)).unwrap()),
                def.label(ind, lang)
            );
        }

        let counties = wb.worksheet_range(&t.sheet_counties).unwrap();
        let mut want = vec![t.county.clone()];
        want.extend(
            def.counties
                .indicators
                .iter()
                .map(|i| header_of(&def, i, lang)),
        );
        let got: Vec<String> = (0..want.len() as u32)
            .map(|c| cell_text(counties.get_value((0, c)).unwrap()))
            .collect();
        assert_eq!(got, want, "{code} Counties header");

        let funds = wb.worksheet_range(&t.sheet_funds).unwrap();
        assert_eq!(cell_text(funds.get_value((0, 1)).unwrap()), t.fund_name);
        assert_eq!(
            cell_text(funds.get_value((0, 6)).unwrap()),
            header_of(&def, &def.funds.indicators[0], lang)
        );

        let defs = wb.worksheet_range(&t.sheet_definitions).unwrap();
        assert_eq!(defs.height(), 33, "a header and 32 indicators");
        assert_eq!(
            cell_text(defs.get_value((19, 1)).unwrap()),
            "par30",
            "INDICATORS order"
        );
        assert!(cell_text(defs.get_value((19, 4)).unwrap()).contains("IRIS/SEEP"));

        let quality = wb.worksheet_range(&t.sheet_data_quality).unwrap();
        let all: Vec<String> = quality.cells().map(|(_, _, d)| cell_text(d)).collect();
        for label in [&t.files_read, &t.rows_by_county, &t.reject_reasons] {
            assert!(all.contains(label), "{code}: {label}");
        }
        assert!(
            all.iter().any(|s| s == "province/README.txt"),
            "the skipped file is listed"
        );
        assert!(
            all.iter().any(|s| s == "conflicting_duplicate"),
            "the most frequent reject rule"
        );

        // Right to left on every sheet of the Persian workbook, on none of the English one.
        for i in 1..=def.sheets.len() {
            let xml = part(&workbook(code), &format!("xl/worksheets/sheet{i}.xml")).unwrap();
            assert_eq!(
                xml.contains(r#"rightToLeft="1""#),
                code == "fa",
                "{code} sheet{i}"
            );
        }
    }
}

#[test]
fn values_are_numbers_equal_to_the_indicators_table() {
    let def = def();
    let rows = table(Q);
    let pipeline = sandogh::config::Pipeline::default_pipeline();
    for code in ["fa", "en"] {
        let lang = lang_of(code);
        let t = def.text(lang);
        let mut wb = open_workbook_auto(workbook(code)).unwrap();

        // Counties: every county row and every indicator column.
        let counties = wb.worksheet_range(&t.sheet_counties).unwrap();
        let mut checked = 0;
        for r in 1..counties.height() as u32 {
            let Some(Data::String(name)) = counties.get_value((r, 0)) else {
                continue;
            };
            let (level, slug) = if name == &t.province {
                ("province", String::new())
            } else {
                let c = pipeline
                    .counties
                    .iter()
                    .find(|c| (if code == "fa" { &c.fa } else { &c.en }) == name)
                    .unwrap_or_else(|| panic!("unknown county {name}"));
                ("county", c.slug.clone())
            };
            for (i, ind) in def.counties.indicators.iter().enumerate() {
                let want = rows[&(level.into(), slug.clone(), String::new(), ind.clone())];
                let got = counties.get_value((r, i as u32 + 1)).unwrap();
                match (want, got) {
                    (Some(w), Data::Float(g)) => {
                        assert!(close(*g, w), "{code} {name} {ind}: {g} ≠ {w}")
                    }
                    (None, Data::Empty) => {}
                    (w, g) => panic!("{code} {name} {ind}: {g:?} for {w:?}"),
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 9 * 32, "8 counties and the province");

        // Summary: this quarter's province figures.
        let summary = wb.worksheet_range(&t.sheet_summary).unwrap();
        for (i, ind) in def.summary.indicators.iter().enumerate() {
            let want = rows[&("province".into(), String::new(), String::new(), ind.clone())];
            match (want, summary.get_value((5 + i as u32, 2)).unwrap()) {
                (Some(w), Data::Float(g)) => assert!(close(*g, w), "{ind}"),
                (w, g) => panic!("summary {ind}: {g:?} for {w:?}"),
            }
        }

        // Funds: every fund of the quarter, a sample of columns.
        let funds = wb.worksheet_range(&t.sheet_funds).unwrap();
        let fund_rows: Vec<_> = rows
            .keys()
            .filter(|k| k.0 == "fund" && k.3 == "funds_active")
            .collect();
        assert_eq!(funds.height() - 1, fund_rows.len(), "one row per fund");
        for r in 1..funds.height() as u32 {
            let fid = cell_text(funds.get_value((r, 0)).unwrap());
            let county = rows
                .keys()
                .find(|k| k.0 == "fund" && k.2 == fid)
                .map(|k| k.1.clone())
                .unwrap();
            assert!(
                matches!(funds.get_value((r, 1)), Some(Data::String(s)) if !s.is_empty()),
                "fund {fid} has a name"
            );
            for (i, ind) in def.funds.indicators.iter().enumerate().step_by(5) {
                let want = rows[&("fund".into(), county.clone(), fid.clone(), ind.clone())];
                match (want, funds.get_value((r, 6 + i as u32)).unwrap()) {
                    (Some(w), Data::Float(g)) => assert!(close(*g, w), "{fid} {ind}"),
                    (None, Data::Empty) => {}
                    (w, g) => panic!("fund {fid} {ind}: {g:?} for {w:?}"),
                }
            }
            if code == "en" {
                assert!(
                    matches!(funds.get_value((r, 5)), Some(Data::DateTime(_))),
                    "established_on is a date"
                );
            }
        }

        // Trends: the province's row of every quarter.
        let trends = wb.worksheet_range(&t.sheet_trends).unwrap();
        let q = Quarter::parse("1402Q2").unwrap();
        let label = quarter_label(lang, q);
        let r = (1..trends.height() as u32)
            .find(|r| {
                cell_text(trends.get_value((*r, 0)).unwrap()) == t.province
                    && cell_text(trends.get_value((*r, 1)).unwrap()) == label
            })
            .expect("province row of 1402Q2");
        let old = table("1402Q2");
        for (i, ind) in def.trends.indicators.iter().enumerate() {
            let want = old[&("province".into(), String::new(), String::new(), ind.clone())];
            match (want, trends.get_value((r, 3 + i as u32)).unwrap()) {
                (Some(w), Data::Float(g)) => assert!(close(*g, w), "trend {ind}"),
                (None, Data::Empty) => {}
                (w, g) => panic!("trend {ind}: {g:?} for {w:?}"),
            }
        }
        if code == "fa" {
            let last = (1..trends.height() as u32)
                .find(|r| {
                    cell_text(trends.get_value((*r, 1)).unwrap())
                        == quarter_label(lang, Quarter::parse(Q).unwrap())
                })
                .unwrap();
            assert_eq!(
                cell_text(trends.get_value((last, 2)).unwrap()),
                "\u{200F}۳۰ اسفند ۱۴۰۳",
                "Jalali dates with Persian month names (after a right-to-left mark)"
            );
        }
    }
}

#[test]
fn the_training_chart_adds_up_to_the_province_figure() {
    let q = Quarter::parse(Q).unwrap();
    let by_type = sandogh::report::data::read_training_by_course(sample_out(), q)
        .unwrap()
        .unwrap();
    let total: i64 = by_type.values().sum();
    let want = table(Q)[&(
        "province".into(),
        String::new(),
        String::new(),
        "training_participants_q".into(),
    )];
    assert_eq!(Some(total as f64), want);
}

#[test]
fn workbooks_hold_native_charts_flags_panes_and_print_setup() {
    let def = def();
    for code in ["fa", "en"] {
        let path = workbook(code);
        let names = part_names(&path);
        let charts = names
            .iter()
            .filter(|n| n.starts_with("xl/charts/chart"))
            .count();
        assert_eq!(charts, def.summary.charts.len(), "{code}: {names:?}");
        assert!(names.iter().any(|n| n.starts_with("xl/drawings/drawing")));
        assert!(names.iter().any(|n| n.starts_with("xl/tables/table")));

        // Counties is the second sheet: an autofiltered table, frozen panes, the two flags.
        let counties = part(&path, "xl/worksheets/sheet2.xml").unwrap();
        assert!(counties.contains(r#"state="frozen""#));
        assert!(counties.contains("conditionalFormatting"));
        assert!(
            counties.contains("&gt;0.05") || counties.contains(">0.05"),
            "PAR30 > 5%"
        );
        assert!(
            counties.contains("&lt;0.9") || counties.contains("<0.9"),
            "on time < 90%"
        );
        assert!(counties.contains(r#"orientation="landscape""#));
        assert!(counties.contains("fitToPage"));
        let table = part(&path, "xl/tables/table1.xml").unwrap();
        assert!(table.contains("autoFilter"));
        let workbook_xml = part(&path, "xl/workbook.xml").unwrap();
        assert!(
            workbook_xml.contains("_xlnm.Print_Titles"),
            "titles repeated"
        );

        // Numbers carry number formats: thousands separators and percentages.
        let styles = part(&path, "xl/styles.xml").unwrap();
        assert!(styles.contains("#,##0"));
        assert!(styles.contains("0.00%"));

        // Fixed document properties: the creation date is the quarter's last day.
        let core = part(&path, "docProps/core.xml").unwrap();
        assert!(core.contains("2025-03-20T00:00:00Z"), "{core}");
    }
}

#[test]
fn chart_images_parse_and_decode() {
    let dir = report_dir().join("charts");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("svg") => {
                let svg = std::fs::read_to_string(&path).unwrap();
                assert!(
                    !svg.contains("<text"),
                    "text is outlined: {}",
                    path.display()
                );
                let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default())
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(tree.size().width(), 960.0);
                n += 1;
            }
            Some("png") => {
                let bytes = std::fs::read(&path).unwrap();
                let pixmap = resvg::tiny_skia::Pixmap::decode_png(&bytes)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!((pixmap.width(), pixmap.height()), (1920, 1080));
                // Not blank: the bars and lines leave coloured pixels.
                let coloured = pixmap
                    .pixels()
                    .iter()
                    .filter(|p| p.red() != p.green() || p.green() != p.blue())
                    .count();
                assert!(coloured > 1000, "{}", path.display());
                n += 1;
            }
            _ => {}
        }
    }
    assert_eq!(n, 2 * 2 * def().summary.charts.len());
}

#[test]
fn persian_chart_text_is_shaped_from_the_embedded_font() {
    // The same word laid out with and without joining: shaping gives different, narrower glyphs.
    let r = sandogh::report::png::Renderer::new();
    let svg = |t: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="30" font-size="20" font-family="Vazirmatn">{t}</text></svg>"#
        )
    };
    let joined = r.draw("t", &svg("\u{202B}صندوق\u{202C}")).unwrap();
    assert!(!joined.svg.contains("<text"), "text became outlines");
    assert!(
        joined.svg.contains("<path"),
        "the embedded font drew glyphs"
    );
    let apart = r
        .draw(
            "t",
            &svg("\u{202B}ص\u{200C}ن\u{200C}د\u{200C}و\u{200C}ق\u{202C}"),
        )
        .unwrap();
    assert_ne!(
        joined.svg, apart.svg,
        "joined letters differ from isolated ones"
    );
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    // A copy of the sample's indicators whose fund names start with = + - @.
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-formula");
    let _ = std::fs::remove_dir_all(&base);
    copy_dir(&sample_out().join("indicators"), &base.join("indicators"));
    let funds = base.join("indicators/funds.parquet");
    let mut df = polars::prelude::ParquetReader::new(std::fs::File::open(&funds).unwrap())
        .finish()
        .unwrap();
    use polars::prelude::*;
    let names = df.column("fund_name").unwrap().str().unwrap().clone();
    let tricky = ["=HYPERLINK(\"http://x\")", "+98 24 3300", "-1", "@SUM(A1)"];
    let replaced: Vec<Option<String>> = names
        .iter()
        .enumerate()
        .map(|(i, v)| {
            tricky
                .get(i)
                .map(|s| s.to_string())
                .or(v.map(str::to_owned))
        })
        .collect();
    df.with_column(Series::new("fund_name".into(), replaced).into_column())
        .unwrap();
    ParquetWriter::new(std::fs::File::create(&funds).unwrap())
        .finish(&mut df)
        .unwrap();

    let o = sandogh(
        &["report", "--out", base.to_str().unwrap(), "--lang", "en"],
        &base,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let path = base.join(format!("reports/{Q}/sandogh-{Q}-en.xlsx"));
    let mut wb = open_workbook_auto(&path).unwrap();
    let sheet = def().text(Lang::En).sheet_funds.clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let names: Vec<String> = (1..range.height() as u32)
        .filter_map(|r| match range.get_value((r, 1)) {
            Some(Data::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for t in tricky {
        assert!(names.iter().any(|n| n == t), "{t} written as a string");
    }
    let formulas = wb.worksheet_formula(&sheet).unwrap();
    assert!(
        formulas.cells().all(|(_, _, f)| f.is_empty()),
        "no cell of the Funds sheet is a formula"
    );
    let _ = std::fs::remove_dir_all(&base);
}

/// The report reads the indicators stage's folder and the ingest report, never the lake's
/// tables: from a folder that holds only those it writes the same bytes as from the whole output.
#[test]
fn the_report_reads_only_the_indicators_and_the_ingest_report() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-given");
    let _ = std::fs::remove_dir_all(&base);
    let (whole, given) = (base.join("whole"), base.join("given"));
    copy_dir(&sample_out().join("lake"), &whole.join("lake"));
    copy_dir(&sample_out().join("indicators"), &whole.join("indicators"));
    copy_dir(&sample_out().join("indicators"), &given.join("indicators"));
    std::fs::create_dir_all(given.join("lake")).unwrap();
    std::fs::copy(
        sample_out().join("lake/ingest-report.json"),
        given.join("lake/ingest-report.json"),
    )
    .unwrap();
    for out in [&whole, &given] {
        let o = sandogh(&["report", "--out", out.to_str().unwrap()], &base);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let dir = format!("reports/{Q}");
    let mut files = 0;
    for e in walkdir(&whole.join(&dir)) {
        let rel = e.strip_prefix(whole.join(&dir)).unwrap();
        let theirs = std::fs::read(given.join(&dir).join(rel)).unwrap();
        assert!(
            std::fs::read(&e).unwrap() == theirs,
            "{} differs",
            rel.display()
        );
        files += 1;
    }
    assert!(files >= 4, "{files} files compared");
    let _ = std::fs::remove_dir_all(&base);
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn identical_inputs_give_identical_bytes() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-twice");
    let _ = std::fs::remove_dir_all(&base);
    copy_dir(&sample_out().join("lake"), &base.join("lake"));
    copy_dir(&sample_out().join("indicators"), &base.join("indicators"));
    let mut snaps = Vec::new();
    for _ in 0..2 {
        let o = sandogh(&["report", "--out", base.to_str().unwrap()], &base);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        snaps.push(snapshot(&base.join("reports")));
    }
    assert_eq!(snaps[0].len(), 2 + 2 * 2 * def().summary.charts.len());
    assert!(snaps[0] == snaps[1], "the second run changed bytes");
    // The run's report differs in one way only: its Data quality sheet cites the run's
    // fingerprint, which `sandogh runs` lists (a report made alone cites none).
    let run_snap = snapshot(&sample_out().join("reports"));
    assert_eq!(
        snaps[0].keys().collect::<Vec<_>>(),
        run_snap.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &snaps[0] {
        if path.extension().is_some_and(|e| e == "xlsx") {
            continue;
        }
        assert!(bytes == &run_snap[path], "{} differs", path.display());
    }
    let manifests: Vec<serde_json::Value> = std::fs::read_dir(sample_out().join("runs"))
        .unwrap()
        .map(|e| serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap())
        .collect();
    let fingerprint = manifests[0]["fingerprint"].as_str().unwrap()[..12].to_owned();
    for lang in ["fa", "en"] {
        let name = format!("{Q}/sandogh-{Q}-{lang}.xlsx");
        let alone = base.join("reports").join(&name);
        let strings = |p: &Path| part(p, "xl/sharedStrings.xml").unwrap_or_default();
        assert!(strings(&workbook(lang)).contains(&fingerprint), "{lang}");
        assert!(!strings(&alone).contains(&fingerprint), "{lang}");
    }
    let listed = sandogh(
        &["runs", "--out", sample_out().to_str().unwrap()],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert!(text(&listed).contains(&fingerprint), "{}", text(&listed));
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn usage_errors() {
    let out = sample_out().to_str().unwrap().to_owned();
    let here = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let o = sandogh(&["report", "--out", &out, "--quarter", "1390Q1"], here);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("1397Q3 to 1403Q4"), "{}", text(&o));
    let o = sandogh(&["report", "--out", &out, "--lang", "de"], here);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = sandogh(
        &["report", "--out", here.join("nowhere").to_str().unwrap()],
        here,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("sandogh indicators"), "{}", text(&o));

    let bad = here.join("bad-report.toml");
    std::fs::write(&bad, DEFAULT_REPORT.replace("above = 0.05", "abuve = 0.05")).unwrap();
    let o = sandogh(
        &["report", "--out", &out, "--report", bad.to_str().unwrap()],
        here,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("abuve"), "{}", text(&o));
}

fn config_error(text: &str) -> String {
    ReportDef::parse(text, Path::new("r.toml"))
        .unwrap_err()
        .to_string()
}

#[test]
fn the_builtin_report_definition_is_complete() {
    let def = def();
    assert_eq!(def.sheets.len(), 6);
    assert_eq!(def.counties.indicators.len(), 32);
    assert_eq!(def.indicators.len(), 32);
    assert_eq!(def.summary.charts.len(), 4);
    assert_eq!(
        def.label("par30", Lang::En),
        "Portfolio at risk > 30 days (PAR30)"
    );
    assert!(def.definition("par30", Lang::En).contains("30 days"));
    assert!(def.standard("par30", Lang::Fa).contains("IRIS/SEEP"));
    assert_eq!(def.color(0), 0x1F6F8B);
    assert!(def.flags_for("par30").any(|f| f.hits(0.06)));
    assert!(!def.flags_for("par30").any(|f| f.hits(0.04)));
    // The file in reports/ is the built-in one.
    let file = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/quarterly.toml"),
    )
    .unwrap();
    assert_eq!(file, DEFAULT_REPORT);
}

#[test]
fn report_file_errors_name_the_key() {
    let cases = [
        (
            DEFAULT_REPORT.replace("above = 0.05", "abuve = 0.05"),
            "abuve",
        ),
        (
            DEFAULT_REPORT.replace("\"par30\",\n    \"on_time", "\"par3O\",\n    \"on_time"),
            "summary.indicators[12]",
        ),
        (
            DEFAULT_REPORT.replace("kind = \"trend\"", "kind = \"trends\""),
            "trends",
        ),
        (
            DEFAULT_REPORT.replace("sheet_funds = \"Funds\"", "sheet_funds = \"Funds/all\""),
            "text.en.sheet_funds",
        ),
        (
            DEFAULT_REPORT.replace(
                "indicators = [\"savings_balance\", \"financing_total\"]",
                "indicators = [\"savings_balance\", \"par30\"]",
            ),
            "summary.charts[1].indicators",
        ),
        (
            DEFAULT_REPORT.replace("below = 0.90", "below = 0.90\nabove = 0.99"),
            "flags[1]",
        ),
        (
            DEFAULT_REPORT.replace("\"#E07A3F\"", "\"orange\""),
            "style.colors[1]",
        ),
        (
            DEFAULT_REPORT.replace("[indicators.par90]", "[indicators.par95]"),
            "indicators.par95",
        ),
        (
            DEFAULT_REPORT.replace("sheet_trends = \"روند\"\n", ""),
            "sheet_trends",
        ),
        (
            DEFAULT_REPORT.replace("[fund_types]\nwomen", "[fund_types]\nwomenn"),
            "fund_types.womenn",
        ),
    ];
    for (text, key) in cases {
        assert_ne!(text, DEFAULT_REPORT, "the case for {key} changes the file");
        let e = config_error(&text);
        assert!(e.contains(key), "{key}: {e}");
    }
}

#[test]
fn numbers_dates_and_quarters_in_both_languages() {
    assert_eq!(format_number(Lang::En, 1234567.0, 0), "1,234,567");
    assert_eq!(format_number(Lang::En, 999.0, 0), "999");
    assert_eq!(format_number(Lang::En, -1234.56, 1), "-1,234.6");
    assert_eq!(format_number(Lang::En, -0.01, 0), "0");
    assert_eq!(format_number(Lang::En, 2.5, 0), "3");
    assert_eq!(format_number(Lang::Fa, 1234567.0, 0), "۱٬۲۳۴٬۵۶۷");
    assert_eq!(format_percent(Lang::En, 0.9734, 1), "97.3%");
    assert_eq!(format_percent(Lang::Fa, 0.05, 1), "۵٫۰٪");
    assert_eq!(threshold_label(Lang::En, "above", 0.05, true), "above 5%");
    assert_eq!(
        threshold_label(Lang::Fa, "کمتر از", 0.9, true),
        "کمتر از ۹۰٪"
    );
    assert_eq!(
        threshold_label(Lang::En, "below", 0.925, true),
        "below 92.5%"
    );
    let q = Quarter::parse(Q).unwrap();
    assert_eq!(quarter_label(Lang::En, q), "Q4 1403");
    assert_eq!(quarter_label(Lang::Fa, q), "سه\u{200c}ماهه چهارم ۱۴۰۳");
    let (s, e) = q.bounds(CalendarKind::Jalali).unwrap();
    assert_eq!(date_label(Lang::Fa, e), "\u{200F}۳۰ اسفند ۱۴۰۳");
    assert_eq!(date_label(Lang::En, e), "20 Mar 2025");
    assert_eq!(
        period_label(Lang::En, CalendarKind::Jalali, s, e),
        "1 Dey 1403 – 30 Esfand 1403 (21 Dec 2024 – 20 Mar 2025)"
    );
    assert_eq!(
        period_label(Lang::Fa, CalendarKind::Jalali, s, e),
        "\u{200F}۱ دی ۱۴۰۳ تا \u{200F}۳۰ اسفند ۱۴۰۳"
    );
}

#[test]
fn places_are_written_as_the_spreadsheet_shows_them() {
    use sandogh::ingest::report::place_text;
    assert_eq!(
        place_text("zanjan/z.xlsx", Some("صندوق‌ها"), Some(12)),
        "zanjan/z.xlsx › صندوق‌ها › row 12"
    );
    assert_eq!(
        place_text("tarom/savings.csv", None, Some(228)),
        "tarom/savings.csv › line 228"
    );
    assert_eq!(place_text("a.xlsx", Some("s"), None), "a.xlsx › s");
    assert_eq!(place_text("a.csv", None, Some(0)), "a.csv");
}

#[test]
fn libreoffice_opens_both_workbooks() {
    let Ok(status) = Command::new("soffice").arg("--version").output() else {
        eprintln!("soffice is not installed; skipping the LibreOffice check");
        return;
    };
    assert!(status.status.success());
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-pdf");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for code in ["fa", "en"] {
        let o = Command::new("soffice")
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&dir)
            .arg(workbook(code))
            .env("HOME", &dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        let pdf = dir.join(format!("sandogh-{Q}-{code}.pdf"));
        let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("no PDF: {}", text(&o)));
        assert!(bytes.starts_with(b"%PDF") && bytes.len() > 50_000, "{code}");
    }
}
