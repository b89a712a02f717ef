//! `cargo bench`: the hot functions of ingest, one by one (criterion). The whole pipeline beside
//! the Python yardstick is `benches/run.sh`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use sandogh::ingest::parse::{parse_amount, parse_date};
use sandogh::ingest::read::Cell;
use sandogh::ingest::xlsx::numfmt::NumberKind;
use sandogh::ingest::xlsx::scan::{scan_bytes, Context, ScanLimits};
use sandogh::text::{match_key, normalize};

/// A savings sheet's XML as a workbook writer lays it out: shared-string codes, member
/// numbers, date cells, amounts and a kind.
fn sheet_xml(rows: usize) -> Vec<u8> {
    let mut x = String::from("<worksheet><sheetData>");
    for r in 1..=rows {
        x.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>{}</v></c><c r="B{r}"><v>{}</v></c><c r="C{r}" s="1"><v>{}</v></c><c r="D{r}"><v>{}</v></c><c r="E{r}" t="s"><v>0</v></c></row>"#,
            r % 60 + 1,
            r % 28 + 1,
            43000 + r % 1500,
            (r % 9 + 1) * 100_000
        ));
    }
    x.push_str("</sheetData></worksheet>");
    x.into_bytes()
}

fn scanning(c: &mut Criterion) {
    let xml = sheet_xml(20_000);
    let strings: Vec<std::sync::Arc<str>> =
        (0..=60).map(|i| format!("ZNJ-{i:04}").into()).collect();
    let styles = [NumberKind::Number, NumberKind::Date];
    let ctx = Context {
        strings: &strings,
        styles: &styles,
        date1904: false,
    };
    let limits = ScanLimits {
        part_bytes: 1 << 32,
        row_bytes: 1 << 24,
        columns: 16_384,
        ratio_cap: u64::MAX,
        ratio: 200,
    };
    let mut g = c.benchmark_group("scan");
    g.throughput(Throughput::Elements(20_000 * 5));
    g.bench_function("sheet XML, 20k rows x 5 cells", |b| {
        b.iter(|| scan_bytes(black_box(&xml), &ctx, limits).map(|r| r.len()))
    });
    g.finish();
}

fn cells(c: &mut Criterion) {
    let jalali = Cell::Text("۱۴۰۳/۰۲/۱۵".into());
    let serial = Cell::Number(45_000.0);
    let amount_text = Cell::Text("۱٬۲۰۰٬۰۰۰ ریال".into());
    let amount_number = Cell::Number(1_200_000.0);
    c.bench_function("parse_date Jalali text", |b| {
        b.iter(|| parse_date(black_box(&jalali)))
    });
    c.bench_function("parse_date Excel serial", |b| {
        b.iter(|| parse_date(black_box(&serial)))
    });
    c.bench_function("parse_amount Persian text", |b| {
        b.iter(|| parse_amount(black_box(&amount_text), None))
    });
    c.bench_function("parse_amount number", |b| {
        b.iter(|| parse_amount(black_box(&amount_number), None))
    });
    c.bench_function("normalize ASCII code", |b| {
        b.iter(|| normalize(black_box("ZNJ-0001")))
    });
    c.bench_function("normalize Persian text", |b| {
        b.iter(|| normalize(black_box("صندوق خرد زنان روستاي قلتوق ۱۲")))
    });
    c.bench_function("match_key header", |b| {
        b.iter(|| match_key(black_box("مبلغ (تومان)")))
    });
}

criterion_group!(benches, scanning, cells);
criterion_main!(benches);
