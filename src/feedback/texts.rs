//! The words of a corrections workbook in Persian and English. The reasons themselves are the
//! sentences ingest wrote (the same as in the rejects table and `sandogh validate`).

use crate::report::i18n::Lang;

/// Every label of a corrections workbook.
pub struct Texts {
    /// Sheet: summary.
    pub sheet_summary: &'static str,
    /// Sheet: rejected rows.
    pub sheet_rejects: &'static str,
    /// Sheet: warnings.
    pub sheet_warnings: &'static str,
    /// Title, `{who}` being the county's name or the province.
    pub title: &'static str,
    /// The province as a recipient.
    pub province: &'static str,
    /// `{who}` for a county: `{name}` is its name.
    pub county: &'static str,
    /// The sentence of totals: `{rejected}`, `{warnings}`, `{quarantined}`.
    pub totals: &'static str,
    /// How to use the workbook, one sentence a line.
    pub how_to: [&'static str; 4],
    /// Headers.
    pub file: &'static str,
    pub sheet: &'static str,
    pub row: &'static str,
    pub column: &'static str,
    pub value: &'static str,
    pub reason: &'static str,
    pub fix_first: &'static str,
    pub table: &'static str,
    pub field: &'static str,
    pub rule: &'static str,
    pub status: &'static str,
    pub rows_read: &'static str,
    pub landed: &'static str,
    pub rejected: &'static str,
    pub skipped: &'static str,
    pub warned: &'static str,
    pub why: &'static str,
    pub message: &'static str,
    /// Statuses.
    pub read: &'static str,
    pub skipped_status: &'static str,
    pub quarantined: &'static str,
    /// A sheet or list with nothing in it.
    pub none: &'static str,
    /// Page footer: `Page`, `of`.
    pub page: &'static str,
    pub of: &'static str,
    /// A whole file (no sheet), a whole sheet (no row).
    pub whole: &'static str,
    /// `row N` and `line N` in a fix-first place.
    pub row_word: &'static str,
    pub line_word: &'static str,
}

const FA: Texts = Texts {
    sheet_summary: "خلاصه",
    sheet_rejects: "ردیف‌های ردشده",
    sheet_warnings: "هشدارها",
    title: "فهرست اصلاحات {who}",
    province: "اداره‌کل استان",
    county: "شهرستان {name}",
    totals: "{rejected} ردیف رد شد، {warnings} هشدار، {quarantined} پرونده یا برگه خوانده نشد.",
    how_to: [
        "هر ردیف برگه «ردیف‌های ردشده» در پرونده، برگه و ردیفی است که نوشته شده؛ ستون «چه باید کرد» می‌گوید چه چیزی نادرست است و به جای آن چه بنویسید.",
        "اگر ستون «اول این ردیف را درست کنید» پر است، ردیف به خاطر ردیف دیگری رد شده؛ با درست کردن آن ردیف این ردیف هم پذیرفته می‌شود.",
        "ردیف‌های برگه «هشدارها» پذیرفته شده‌اند ولی بهتر است بررسی شوند.",
        "پس از اصلاح، همه پرونده را دوباره برای اداره‌کل استان بفرستید. مقدار ستون‌های اطلاعات شخصی (نام، کد ملی، موبایل) نشان داده نمی‌شود.",
    ],
    file: "پرونده",
    sheet: "برگه",
    row: "ردیف",
    column: "ستون",
    value: "مقدار",
    reason: "چه باید کرد",
    fix_first: "اول این ردیف را درست کنید",
    table: "جدول",
    field: "فیلد",
    rule: "قاعده",
    status: "وضعیت",
    rows_read: "ردیف‌های خوانده‌شده",
    landed: "پذیرفته",
    rejected: "ردشده",
    skipped: "نادیده (خالی، جمع، تکراری)",
    warned: "با هشدار",
    why: "چرا خوانده نشد",
    message: "چه چیزی را بررسی کنید",
    read: "خوانده شد",
    skipped_status: "نادیده",
    quarantined: "خوانده نشد (قرنطینه)",
    none: "هیچ",
    page: "صفحه",
    of: "از",
    whole: "همه",
    row_word: "ردیف",
    line_word: "سطر",
};

const EN: Texts = Texts {
    sheet_summary: "Summary",
    sheet_rejects: "Rejected rows",
    sheet_warnings: "Warnings",
    title: "Corrections for {who}",
    province: "the provincial office",
    county: "{name} county",
    totals: "{rejected} rows rejected, {warnings} warnings, {quarantined} files or sheets not read.",
    how_to: [
        "Each row of the «Rejected rows» sheet is in the file, sheet and row it names; «What to do» says what is wrong and what to write instead.",
        "When «Fix this row first» is filled, the row was rejected because of another row: fixing that row lets this one land too.",
        "The rows on the «Warnings» sheet were kept, but are worth checking.",
        "Once fixed, send the whole file to the provincial office again. Values of personal columns (names, national IDs, mobiles) are never shown.",
    ],
    file: "File",
    sheet: "Sheet",
    row: "Row",
    column: "Column",
    value: "Value",
    reason: "What to do",
    fix_first: "Fix this row first",
    table: "Table",
    field: "Field",
    rule: "Rule",
    status: "Status",
    rows_read: "Rows read",
    landed: "Landed",
    rejected: "Rejected",
    skipped: "Skipped (blank, totals, duplicates)",
    warned: "Warned",
    why: "Why not read",
    message: "What to check",
    read: "read",
    skipped_status: "skipped",
    quarantined: "not read (quarantined)",
    none: "none",
    page: "Page",
    of: "of",
    whole: "all",
    row_word: "row",
    line_word: "line",
};

/// The words of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Fa => &FA,
        Lang::En => &EN,
    }
}
