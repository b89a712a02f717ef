//! Checks every sheet the sample writes against the data contract as [`crate::schema`] states
//! it: the sheet (or CSV stem) names its table, each header maps to at most one field and no
//! field twice, every required field is there and filled (deliberate bad rows aside), and enum
//! cells hold words of their vocabulary.

use super::counties;
use super::layout::{Cell, Format};
use super::model::County;
use crate::schema::{EnumKind, Field, Kind, Table};
use crate::text::{match_key, strip_continuation};

fn table_of(name: &str) -> Option<Table> {
    let key = match_key(strip_continuation(&crate::text::normalize(name)));
    Table::ALL.into_iter().find(|t| {
        match_key(t.name()) == key || t.sheet_aliases().iter().any(|a| match_key(a) == key)
    })
}

fn field_of(table: Table, header: &str) -> Vec<&'static Field> {
    let key = match_key(header);
    table
        .fields()
        .iter()
        .filter(|f| match_key(f.name) == key || f.aliases.iter().any(|a| match_key(a) == key))
        .collect()
}

const COUNTY_WORDS: &[&str] = &[
    "zanjan",
    "زنجان",
    "abhar",
    "ابهر",
    "khodabandeh",
    "خدابنده",
    "khodabande",
    "khorramdarreh",
    "خرمدره",
    "خرم دره",
    "khorramdareh",
    "tarom",
    "طارم",
    "tarum",
    "mahneshan",
    "ماهنشان",
    "ijrud",
    "ایجرود",
    "ijroud",
    "soltaniyeh",
    "سلطانیه",
    "soltanieh",
];

fn enum_ok(kind: EnumKind, value: &str) -> bool {
    let key = match_key(value);
    if kind == EnumKind::County {
        return COUNTY_WORDS.iter().any(|w| match_key(w) == key);
    }
    if kind == EnumKind::CourseType {
        return true;
    }
    kind.vocabulary()
        .iter()
        .any(|(canon, words)| match_key(canon) == key || words.iter().any(|w| match_key(w) == key))
}

fn bool_ok(value: &str) -> bool {
    [
        "بله",
        "دارد",
        "yes",
        "y",
        "true",
        "1",
        "✓",
        "خیر",
        "ندارد",
        "no",
        "n",
        "false",
        "0",
    ]
    .iter()
    .any(|w| match_key(w) == match_key(value))
}

#[test]
fn every_sheet_conforms_to_the_contract() {
    let p = super::build_province(1.0, 1399);
    let parts = County::ALL
        .into_iter()
        .map(Some)
        .chain(std::iter::once(None));
    for part in parts {
        for file in counties::files_of(&p, part) {
            let file = file.fit_row_limit();
            for sheet in &file.sheets {
                let name = match file.format {
                    Format::Csv { .. } => file
                        .path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    _ => sheet.name.clone(),
                };
                let at = format!("{} [{name}]", file.path.display());
                let table = table_of(&name).unwrap_or_else(|| panic!("{at}: names no table"));
                assert_eq!(table.name(), sheet.table.name(), "{at}");
                let mut mapped: Vec<Option<&Field>> = Vec::new();
                for header in &sheet.header {
                    let fields = field_of(table, header);
                    assert!(
                        fields.len() <= 1,
                        "{at}: «{header}» maps to {} fields",
                        fields.len()
                    );
                    if let Some(f) = fields.first() {
                        assert!(
                            !mapped.iter().flatten().any(|m| m.name == f.name),
                            "{at}: two columns map to {}",
                            f.name
                        );
                    }
                    mapped.push(fields.first().copied());
                }
                for f in table.fields().iter().filter(|f| f.required) {
                    assert!(
                        mapped.iter().flatten().any(|m| m.name == f.name),
                        "{at}: no {}",
                        f.name
                    );
                }
                for (row, tag) in sheet.rows.iter().zip(&sheet.tags) {
                    for (cell, field) in row.iter().zip(&mapped) {
                        let Some(field) = field else { continue };
                        let text = match cell {
                            Cell::Text(s) => s.clone(),
                            Cell::Blank => {
                                assert!(
                                    !field.required || tag.is_some(),
                                    "{at}: blank {} in {row:?}",
                                    field.name
                                );
                                continue;
                            }
                            _ => continue,
                        };
                        match field.kind {
                            Kind::Enum(kind) => assert!(
                                enum_ok(kind, &text) || tag.is_some(),
                                "{at}: {} «{text}» unknown",
                                field.name
                            ),
                            Kind::Bool => assert!(bool_ok(&text), "{at}: bool «{text}»"),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
}
