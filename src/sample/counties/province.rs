//! The province office: a workbook of province-level courses (no fund, no county), and a note
//! left in the folder that ingest skips and lists.

use super::course_fa;
use crate::sample::dates::slash;
use crate::sample::layout::{extra, field, sheet, Cell, Column, ExportFile, Format};
use crate::sample::model::{BadRow, TableName, Training};
use std::path::PathBuf;

/// `province/README.txt`: a note from the office, not data.
pub(crate) const README: &str = "\
دفتر صندوق کارآفرینی امید استان زنجان
این پوشه شامل فهرست دوره‌های آموزشی استانی (بدون صندوق و شهرستان مشخص) است.
دوره‌های هر شهرستان در فایل همان شهرستان آمده است.

Omid Entrepreneurship Fund, Zanjan provincial office.
This folder holds the province-level training courses (no fund, no county).
Each county's own courses are in that county's export.
";

pub(super) fn files(trainings: &[&Training], bad: &[BadRow]) -> Vec<ExportFile> {
    let columns: Vec<Column<Training>> = vec![
        extra("ردیف", |i, _| Cell::int(i as i64)),
        field("نوع دوره", "course_type", |t: &Training| {
            Cell::text(course_fa(t.course))
        }),
        field("تاریخ برگزاری", "started_on", |t: &Training| {
            Cell::text(slash(t.started_on))
        }),
        field(
            "تعداد شرکت کنندگان",
            "participants",
            |t: &Training| Cell::int(i64::from(t.participants)),
        ),
        field("مدت (ساعت)", "hours", |t: &Training| {
            t.hours
                .map(|h| Cell::int(i64::from(h)))
                .unwrap_or(Cell::Blank)
        }),
        extra("محل برگزاری", |_, _| {
            Cell::text("زنجان، سالن اجتماعات اداره")
        }),
    ];
    let s = sheet(
        "دوره‌های آموزشی",
        TableName::Trainings,
        &columns,
        trainings,
        bad,
    )
    .rtl()
    .titles(vec![vec![Cell::text(
        "دوره‌های آموزشی استانی — صندوق کارآفرینی امید استان زنجان",
    )]]);
    vec![ExportFile {
        path: PathBuf::from("province/province-trainings-1403.xlsx"),
        format: Format::Xlsx,
        sheets: vec![s],
    }]
}
