//! The template workbook of one language: an instructions sheet first (which names no table, so
//! ingest lists it as skipped), then one sheet per table in the order an office fills them
//! (parents first). Each table sheet has its headers in row 1 with a note on every header
//! (type, unit, date form, rules), required columns darker than optional ones, the header
//! frozen, and for the rows below:
//! - id, text and date columns formatted as text, so that `0012` keeps its zeros and
//!   `1403/02/15` stays a Jalali date rather than becoming a number;
//! - amounts as whole rials (`#,##0`, and a rule that refuses fractions and negative numbers),
//!   counts as whole numbers of at least their minimum;
//! - a list for every enum, for yes/no and for the county (the lists are on the instructions
//!   sheet, where the office can read them too), and the fund codes of the funds sheet offered
//!   in every other sheet's fund column (a warning, not a refusal, for a fund not listed);
//! - an input hint on every date cell.

use super::columns::{choices, header, note, table_title, yes_no};
use super::prefill::{Rows, Value};
use crate::config::Pipeline;
use crate::report::excel::{base_format, wrapped_height, write_text};
use crate::report::i18n::Lang;
use crate::schema::{EnumKind, Field, Kind, Table};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, Format,
    FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet, XlsxError,
};
use std::collections::BTreeMap;

/// The last row (0-based) a sheet's rules and formats reach: the whole sheet.
const LAST_ROW: u32 = 1_048_575;
/// How many rows of the funds sheet the fund lists of other sheets offer.
const FUND_LIST_ROWS: u32 = 5_000;

/// What a template is made from.
pub struct TemplateInputs<'a> {
    /// Counties and their names.
    pub pipeline: &'a Pipeline,
    /// The template's language.
    pub lang: Lang,
    /// The county the template is for (slug, and its name in `lang`); `None` for a blank one.
    pub county: Option<(&'a str, String)>,
    /// Rows to write in, by table (the county's funds from the lake).
    pub rows: &'a BTreeMap<Table, Rows>,
}

/// The formats of a template.
struct Formats {
    title: Format,
    text: Format,
    required: Format,
    optional: Format,
    list_header: Format,
    column_text: Format,
    column_amount: Format,
    column_count: Format,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        let base = base_format(lang.plain_font(), lang);
        let head = base
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_border_color(0xFFFFFF);
        Formats {
            title: base
                .clone()
                .set_bold()
                .set_font_size(14)
                .set_font_color(0x1F4E66),
            text: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            required: head
                .clone()
                .set_font_color(0xFFFFFF)
                .set_background_color(0x1F4E66),
            optional: head.clone().set_background_color(0xD6E4EC),
            list_header: head.set_background_color(0xD6E4EC),
            column_text: base.clone().set_num_format("@"),
            column_amount: base.clone().set_num_format("#,##0"),
            column_count: base.set_num_format("0"),
        }
    }
}

/// A list of allowed words on the instructions sheet: its column there and how many words.
struct ListPlace {
    col: u16,
    len: u32,
}

/// The lists of a template: the vocabularies, yes/no and the counties.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum List {
    Enum(u8),
    YesNo,
}

fn list_of(kind: Kind) -> Option<List> {
    match kind {
        Kind::Enum(k) => Some(List::Enum(enum_index(k))),
        Kind::Bool => Some(List::YesNo),
        _ => None,
    }
}

const ENUMS: [EnumKind; 6] = [
    EnumKind::County,
    EnumKind::FundType,
    EnumKind::Gender,
    EnumKind::SavingsKind,
    EnumKind::FundingSource,
    EnumKind::CourseType,
];

fn enum_index(k: EnumKind) -> u8 {
    ENUMS.iter().position(|e| *e == k).unwrap_or(0) as u8
}

/// The sentences of the instructions sheet.
fn instructions(inp: &TemplateInputs<'_>) -> Vec<String> {
    let order: Vec<&str> = Table::ALL
        .iter()
        .map(|t| table_title(*t, inp.lang))
        .collect();
    let mut lines: Vec<String> = match inp.lang {
        Lang::Fa => vec![
            "هر برگه این پرونده یک جدول است. نام برگه‌ها و سرستون‌ها را تغییر ندهید؛ ستونی که اضافه کنید خوانده نمی‌شود.".into(),
            "ردیف اول هر برگه سرستون است. نشانگر را روی هر سرستون ببرید تا توضیح آن ستون (نوع، واحد، قاعده) را ببینید.".into(),
            "ستون‌هایی که سرستونشان تیره است الزامی‌اند؛ ردیفی که یکی از آن‌ها را نداشته باشد پذیرفته نمی‌شود.".into(),
            "کدها (صندوق، عضو، خانوار، وام) متن‌اند و صفرهای ابتدایی‌شان حفظ می‌شود. هر کد را در همه برگه‌ها یکسان بنویسید.".into(),
            "تاریخ‌ها شمسی و به صورت سال/ماه/روز نوشته می‌شوند، مانند 1403/02/15.".into(),
            "مبلغ‌ها به ریال و بدون اعشارند (نه تومان). برداشت از پس‌انداز را با نوع «برداشت» بنویسید، نه با عدد منفی.".into(),
            "در ستون‌های فهرست‌دار یکی از گزینه‌ها را انتخاب کنید؛ همه فهرست‌ها در ستون‌های کنار همین متن آمده‌اند.".into(),
            format!("ترتیب پر کردن: {}. کد صندوق در برگه‌های دیگر از برگه {} انتخاب می‌شود.", order.join("، "), order[0]),
            "ردیف جمع لازم نیست؛ اگر نوشتید، در نخستین خانه آن «جمع» بنویسید و کدها را خالی بگذارید.".into(),
            "اگر جدولی در یک برگه جا نشد، ادامه آن را در برگه‌ای با همان نام و یک شماره بنویسید (مانند «اقساط 2»).".into(),
            "پرونده را با همین قالب (.xlsx) ذخیره کنید و برای اداره‌کل استان بفرستید. این برگه راهنما خوانده نمی‌شود.".into(),
        ],
        Lang::En => vec![
            "Each sheet of this file is one table. Keep the sheet names and headers as they are; a column you add is not read.".into(),
            "Row 1 of each sheet holds the headers. Point at a header to read its note (type, unit, rules).".into(),
            "Columns with a dark header are required: a row without one of them is rejected.".into(),
            "Codes (fund, member, household, loan) are text and keep their leading zeros. Write each code the same way on every sheet.".into(),
            "Dates are Jalali, written year/month/day, such as 1403/02/15.".into(),
            "Amounts are whole rials (not tomans). Write a withdrawal from savings as kind «withdrawal», not as a negative amount.".into(),
            "In columns with a list, pick one of its words; every list is in the columns beside this text.".into(),
            format!("Fill the sheets in this order: {}. The other sheets offer the fund codes of the {} sheet.", order.join(", "), order[0]),
            "No totals row is needed; if you add one, write «total» in its first cell and leave its codes blank.".into(),
            "If a table does not fit on one sheet, continue it on a sheet of the same name with a number (such as «installments 2»).".into(),
            "Save the file as it is (.xlsx) and send it to the provincial office. This instructions sheet is not read.".into(),
        ],
    };
    if let Some((_, name)) = &inp.county {
        let funds = inp.rows.get(&Table::Funds).map_or(0, Vec::len);
        lines.push(match (inp.lang, funds) {
            (Lang::Fa, 0) => format!("این قالب برای شهرستان {name} است."),
            (Lang::Fa, n) => format!(
                "این قالب برای شهرستان {name} است. {n} صندوق این شهرستان که استان در آخرین دریافت ثبت کرده در برگه {} آمده‌اند؛ صندوق تازه را در ردیف‌های بعدی بنویسید.",
                order[0]
            ),
            (Lang::En, 0) => format!("This template is for {name} county."),
            (Lang::En, n) => format!(
                "This template is for {name} county. The {n} funds of the county that the province holds from the last export are on the {} sheet; add a new fund on the rows below them.",
                order[0]
            ),
        });
    }
    lines
}

/// The name of the instructions sheet (it names no table, so ingest skips it).
pub fn instructions_title(lang: Lang) -> &'static str {
    match lang {
        Lang::Fa => "راهنما",
        Lang::En => "Instructions",
    }
}

/// A sheet name as formulas quote it.
fn quoted(sheet: &str) -> String {
    format!("'{}'", sheet.replace('\'', "''"))
}

/// Writes the instructions sheet and its lists; returns where each list is.
fn instructions_sheet(
    ws: &mut Worksheet,
    inp: &TemplateInputs<'_>,
    f: &Formats,
) -> Result<BTreeMap<List, ListPlace>, XlsxError> {
    let lang = inp.lang;
    ws.set_name(instructions_title(lang))?;
    if lang.rtl() {
        ws.set_right_to_left(true);
    }
    ws.set_column_width(0, 90)?;
    ws.set_column_width(1, 3)?;
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    let title = match (&inp.county, lang) {
        (Some((_, name)), Lang::Fa) => {
            format!("قالب خروجی صندوق‌های خرد محلی زنان روستایی: شهرستان {name}")
        }
        (None, Lang::Fa) => "قالب خروجی صندوق‌های خرد محلی زنان روستایی".to_owned(),
        (Some((_, name)), Lang::En) => {
            format!("Export template of the local micro-funds of rural women: {name} county")
        }
        (None, Lang::En) => "Export template of the local micro-funds of rural women".to_owned(),
    };
    ws.set_row_height(0, 24)?;
    write_text(ws, 0, 0, &title, &f.title)?;
    let lines = instructions(inp);
    for (i, line) in lines.iter().enumerate() {
        let row = i as u32 + 1;
        write_text(ws, row, 0, line, &f.text)?;
        // About 80 letters of Tahoma fit on a line of the 90-wide column.
        ws.set_row_height(row, wrapped_height(&[(line, 73.0)]))?;
    }
    // The instructions print alone; the lists beside them are for the sheets' drop-downs.
    ws.set_print_area(0, 0, lines.len() as u32, 0)?;
    // The lists, one column each from C, under a header that names no field.
    let mut places = BTreeMap::new();
    let mut lists: Vec<(List, String, Vec<String>)> = ENUMS
        .iter()
        .map(|k| {
            let what = enum_label(*k, lang);
            (
                List::Enum(enum_index(*k)),
                what,
                choices(*k, inp.pipeline, lang),
            )
        })
        .collect();
    lists.push((
        List::YesNo,
        enum_label_yes_no(lang),
        yes_no(lang).iter().map(|s| (*s).to_owned()).collect(),
    ));
    for (i, (list, what, words)) in lists.into_iter().enumerate() {
        let col = 2 + i as u16;
        ws.set_column_width(col, 18)?;
        write_text(ws, 0, col, &what, &f.list_header)?;
        for (r, w) in words.iter().enumerate() {
            write_text(ws, r as u32 + 1, col, w, &f.column_text)?;
        }
        places.insert(
            list,
            ListPlace {
                col,
                len: words.len() as u32,
            },
        );
    }
    Ok(places)
}

/// The header of a list on the instructions sheet: not a header alias of any field.
fn enum_label(k: EnumKind, lang: Lang) -> String {
    let (fa, en) = match k {
        EnumKind::County => ("شهرستان‌ها", "counties"),
        EnumKind::FundType => ("انواع صندوق", "fund types"),
        EnumKind::Gender => ("جنسیت‌ها", "genders"),
        EnumKind::SavingsKind => ("انواع تراکنش پس‌انداز", "savings kinds"),
        EnumKind::FundingSource => ("منابع وام", "loan funding sources"),
        EnumKind::CourseType => ("انواع دوره", "course types"),
    };
    let what = if lang == Lang::Fa { fa } else { en };
    match lang {
        Lang::Fa => format!("فهرست {what}"),
        Lang::En => format!("list of {what}"),
    }
}

fn enum_label_yes_no(lang: Lang) -> String {
    match lang {
        Lang::Fa => "فهرست بله و خیر".to_owned(),
        Lang::En => "list of yes and no".to_owned(),
    }
}

/// The rule a column's cells keep, if any.
fn validation(
    table: Table,
    field: &Field,
    col: u16,
    lists: &BTreeMap<List, ListPlace>,
    lang: Lang,
) -> Result<Option<DataValidation>, XlsxError> {
    let fa = lang == Lang::Fa;
    let pick = |fa_text: &str, en_text: &str| if fa { fa_text } else { en_text }.to_owned();
    let list_ref = |place: &ListPlace| {
        let c = rust_xlsxwriter::column_number_to_name(place.col);
        format!(
            "={}!${c}$2:${c}${}",
            quoted(instructions_title(lang)),
            place.len + 1
        )
    };
    let cell = rust_xlsxwriter::row_col_to_cell(1, col);
    let v = match field.kind {
        Kind::Enum(_) | Kind::Bool => {
            let Some(place) = list_of(field.kind).and_then(|l| lists.get(&l)) else {
                return Ok(None);
            };
            let course = field.kind == Kind::Enum(EnumKind::CourseType);
            let v = DataValidation::new()
                .allow_list_formula(Formula::new(list_ref(place)))
                .set_error_title(pick("مقدار خارج از فهرست", "Not on the list"))?;
            if course {
                // Any other course is counted as `other`, never refused.
                v.set_error_style(DataValidationErrorStyle::Information)
                    .set_error_message(pick(
                        "دوره‌ای که در فهرست نیست «سایر» شمرده می‌شود.",
                        "A course not on the list is counted as «other».",
                    ))?
            } else {
                v.set_error_message(pick(
                    "یکی از گزینه‌های فهرست را انتخاب کنید (فهرست‌ها در برگه راهنما).",
                    "Pick one of the list's words (the lists are on the Instructions sheet).",
                ))?
            }
        }
        Kind::Id if field.name == "fund_id" && table != Table::Funds => {
            let funds = quoted(table_title(Table::Funds, lang));
            DataValidation::new()
                .allow_list_formula(Formula::new(format!(
                    "={funds}!$A$2:$A${}",
                    FUND_LIST_ROWS + 1
                )))
                .ignore_blank(true)
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_title(pick("صندوق ناشناخته", "Unknown fund"))?
                .set_error_message(pick(
                    "این کد در برگه صندوق‌ها نیست. ردیفی که صندوقش ثبت نشده باشد پذیرفته نمی‌شود؛ صندوق را آنجا هم بنویسید.",
                    "This code is not on the funds sheet. A row whose fund is not registered is rejected: add the fund there too.",
                ))?
        }
        Kind::Amount { positive } => {
            let test = if positive { ">0" } else { ">=0" };
            DataValidation::new()
                .allow_custom(Formula::new(format!(
                    "=AND(ISNUMBER({cell}),{cell}=INT({cell}),{cell}{test})"
                )))
                .set_error_title(pick("مبلغ نادرست", "Not whole rials"))?
                .set_error_message(if positive {
                    pick(
                        "مبلغ را به ریال، عدد صحیح و بیشتر از صفر بنویسید.",
                        "Write the amount in whole rials, more than zero.",
                    )
                } else {
                    pick(
                        "مبلغ را به ریال، عدد صحیح، صفر یا بیشتر بنویسید.",
                        "Write the amount in whole rials, zero or more.",
                    )
                })?
        }
        Kind::Int { min } => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(
                i32::try_from(min).unwrap_or(0),
            ))
            .set_error_title(pick("عدد نادرست", "Not a whole number"))?
            .set_error_message(if fa {
                format!("عدد صحیح دست‌کم {min} بنویسید.")
            } else {
                format!("Write a whole number of at least {min}.")
            })?,
        Kind::Date => DataValidation::new()
            .allow_any_value()
            .set_input_title(pick("تاریخ شمسی", "Jalali date"))?
            .set_input_message(pick(
                "سال/ماه/روز، مانند 1403/02/15",
                "year/month/day, such as 1403/02/15",
            ))?,
        _ => return Ok(None),
    };
    Ok(Some(v))
}

/// Writes one table's sheet: headers with notes, column formats and rules, and its rows.
fn table_sheet(
    ws: &mut Worksheet,
    table: Table,
    inp: &TemplateInputs<'_>,
    lists: &BTreeMap<List, ListPlace>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = inp.lang;
    ws.set_name(table_title(table, lang))?;
    if lang.rtl() {
        ws.set_right_to_left(true);
    }
    ws.set_row_height(0, 30)?;
    for (i, field) in table.fields().iter().enumerate() {
        let col = i as u16;
        let text = header(field, lang);
        let width = (text.chars().count() as f64 * 1.2 + 4.0).clamp(12.0, 30.0);
        let column_format = match field.kind {
            Kind::Amount { .. } => &f.column_amount,
            Kind::Int { .. } => &f.column_count,
            _ => &f.column_text,
        };
        ws.set_column_width(col, width)?;
        ws.set_column_format(col, column_format)?;
        let head = if field.required {
            &f.required
        } else {
            &f.optional
        };
        write_text(ws, 0, col, &text, head)?;
        let note = Note::new(note(table, field, inp.pipeline, lang))
            .add_author_prefix(false)
            .set_width(260)
            .set_height(120);
        ws.insert_note(0, col, &note)?;
        if let Some(v) = validation(table, field, col, lists, lang)? {
            ws.add_data_validation(1, col, LAST_ROW, col, &v)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if let Some(rows) = inp.rows.get(&table) {
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                match value {
                    Some(Value::Text(t)) => write_text(ws, r, c, t, &f.column_text)?,
                    Some(Value::Number(n)) => {
                        let format = match table.fields().get(usize::from(c)).map(|f| f.kind) {
                            Some(Kind::Amount { .. }) => &f.column_amount,
                            _ => &f.column_count,
                        };
                        ws.write_number_with_format(r, c, *n, format)?;
                    }
                    None => {}
                }
            }
        }
    }
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    // Repeating rows only fails on an invalid range, which row 0 is not.
    let _ = ws.set_repeat_rows(0, 0);
    Ok(())
}

/// The template workbook as bytes. Identical inputs give identical bytes (the document's
/// creation date is fixed).
pub fn workbook(inp: &TemplateInputs<'_>) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new(inp.lang);
    let mut wb = Workbook::new();
    let title = match (&inp.county, inp.lang) {
        (Some((_, n)), Lang::Fa) => format!("قالب خروجی شهرستان {n}"),
        (None, Lang::Fa) => "قالب خروجی صندوق‌های خرد محلی".to_owned(),
        (Some((_, n)), Lang::En) => format!("Export template, {n} county"),
        (None, Lang::En) => "Export template of the local micro-funds".to_owned(),
    };
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("sandogh")
            .set_comment("Written by sandogh template.")
            .set_creation_datetime(&fixed_creation()),
    );
    let lists = instructions_sheet(wb.add_worksheet(), inp, &f)?;
    for table in Table::ALL {
        table_sheet(wb.add_worksheet(), table, inp, &lists, &f)?;
    }
    wb.save_to_buffer()
}

/// The creation date written into templates and corrections workbooks: a fixed date, so that
/// their bytes depend on their contents only (1980-01-01, the first day a zip file can date).
pub fn fixed_creation() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(1980, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}
