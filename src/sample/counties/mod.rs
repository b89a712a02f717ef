//! Export styles: each county office writes the same kind of records its own way (file format,
//! sheet names, header language, date and amount forms). One file per county.

mod abhar;
mod ijrud;
mod khodabandeh;
mod khorramdarreh;
mod mahneshan;
mod province;
mod soltaniyeh;
mod tarom;
mod zanjan;

use super::layout::{Cell, ExportFile};
use super::model::{
    BadRow, County, Course, Financing, Fund, FundType, Gender, Installment, Loan, Member, Province,
    Saving, SavingsKind, Source, Training,
};
use super::names;
use std::collections::HashSet;

/// The records one county office exports.
pub(crate) struct View<'a> {
    pub funds: Vec<&'a Fund>,
    pub members: Vec<&'a Member>,
    pub savings: Vec<&'a Saving>,
    pub loans: Vec<&'a Loan>,
    pub installments: Vec<&'a Installment>,
    pub financing: Vec<&'a Financing>,
    pub trainings: Vec<&'a Training>,
    pub bad: &'a [BadRow],
}

/// The records of one county office (`None` for none: an empty view is never written).
fn view(p: &Province, county: County) -> Option<View<'_>> {
    let county_of = p.fund_counties();
    let here = |fund_id: &str| county_of.get(fund_id) == Some(&county);
    let funds: Vec<&Fund> = p.funds.iter().filter(|f| f.county == county).collect();
    if funds.is_empty() {
        return None;
    }
    let loans: Vec<&Loan> = p.loans.iter().filter(|l| here(&l.fund_id)).collect();
    let loan_ids: HashSet<&str> = loans.iter().map(|l| l.id.as_str()).collect();
    Some(View {
        funds,
        members: p.members.iter().filter(|m| here(&m.fund_id)).collect(),
        savings: p.savings.iter().filter(|s| here(&s.fund_id)).collect(),
        installments: p
            .installments
            .iter()
            .filter(|x| loan_ids.contains(x.loan_id.as_str()))
            .collect(),
        loans,
        financing: p.financing.iter().filter(|f| f.county == county).collect(),
        trainings: p
            .trainings
            .iter()
            .filter(|t| t.county == Some(county))
            .collect(),
        bad: &p.bad,
    })
}

/// The export files of one county in its own style, or (`None`) of the province office.
pub(crate) fn files_of(p: &Province, part: Option<County>) -> Vec<ExportFile> {
    let Some(county) = part else {
        let province: Vec<&Training> = p.trainings.iter().filter(|t| t.county.is_none()).collect();
        return province::files(&province, &p.bad);
    };
    let Some(v) = view(p, county) else {
        return Vec::new();
    };
    match county {
        County::Zanjan => zanjan::files(&v),
        County::Abhar => abhar::files(&v),
        County::Khodabandeh => khodabandeh::files(&v),
        County::Khorramdarreh => khorramdarreh::files(&v),
        County::Tarom => tarom::files(&v),
        County::Mahneshan => mahneshan::files(&v),
        County::Ijrud => ijrud::files(&v),
        County::Soltaniyeh => soltaniyeh::files(&v),
    }
}

/// The note the province office left in its folder.
pub(crate) use province::README as PROVINCE_README;

// ---- values in Persian and English -------------------------------------------------------

pub(crate) fn fund_type_fa(t: FundType) -> &'static str {
    match t {
        FundType::Women => "زنان روستایی",
        FundType::Disability => "توانیابان",
    }
}

pub(crate) fn fund_type_en(t: FundType) -> &'static str {
    match t {
        FundType::Women => "women",
        FundType::Disability => "disability",
    }
}

pub(crate) fn gender_fa(g: Option<Gender>) -> Cell {
    match g {
        Some(Gender::Female) => Cell::text("زن"),
        Some(Gender::Male) => Cell::text("مرد"),
        None => Cell::Blank,
    }
}

pub(crate) fn yes_no_fa(b: bool) -> Cell {
    Cell::text(if b { "بله" } else { "خیر" })
}

pub(crate) fn kind_fa(k: SavingsKind) -> &'static str {
    match k {
        SavingsKind::Deposit => "واریز",
        SavingsKind::Withdrawal => "برداشت",
    }
}

pub(crate) fn kind_en(k: SavingsKind) -> &'static str {
    match k {
        SavingsKind::Deposit => "deposit",
        SavingsKind::Withdrawal => "withdrawal",
    }
}

pub(crate) fn source_fa(s: Source) -> &'static str {
    match s {
        Source::Own => "منابع صندوق",
        Source::Omid => "امید",
    }
}

pub(crate) fn source_en(s: Source) -> &'static str {
    match s {
        Source::Own => "own",
        Source::Omid => "omid",
    }
}

pub(crate) fn course_fa(c: Course) -> &'static str {
    match c {
        Course::Accounting => "حسابداری",
        Course::Facilitation => "تسهیلگری",
        Course::Trainer => "تربیت مربی",
        Course::Other(i) => names::OTHER_COURSES.get(i).map(|x| x.0).unwrap_or("سایر"),
    }
}

pub(crate) fn course_en(c: Course) -> &'static str {
    match c {
        Course::Accounting => "accounting",
        Course::Facilitation => "facilitation",
        Course::Trainer => "trainer",
        Course::Other(i) => names::OTHER_COURSES.get(i).map(|x| x.1).unwrap_or("other"),
    }
}

pub(crate) fn purpose_fa(i: usize) -> &'static str {
    names::PURPOSES.get(i).map(|x| x.0).unwrap_or("")
}

pub(crate) fn purpose_en(i: usize) -> &'static str {
    names::PURPOSES.get(i).map(|x| x.1).unwrap_or("")
}

/// An id written as a number cell (`11003`), as offices that type codes into Excel do.
pub(crate) fn id_number(id: &str) -> Cell {
    id.parse::<f64>()
        .map(Cell::Number)
        .unwrap_or_else(|_| Cell::text(id))
}

/// An optional number as a cell.
pub(crate) fn opt_int(v: Option<i64>) -> Cell {
    v.map(Cell::int).unwrap_or(Cell::Blank)
}

/// `1200000` → `1,200,000` (with `sep` as the thousands separator).
pub(crate) fn grouped(v: i64, sep: char) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if v < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Text written with Arabic letter forms, as old keyboards and some offices do (ي ك).
pub(crate) fn arabic(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ی' => 'ي',
            'ک' => 'ك',
            c => c,
        })
        .collect()
}

/// ASCII digits written as Persian digits.
pub(crate) fn fa_digits(s: &str) -> String {
    crate::text::to_persian_digits(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping() {
        assert_eq!(grouped(1_200_000, ','), "1,200,000");
        assert_eq!(grouped(500, ','), "500");
        assert_eq!(grouped(-123_456, '٬'), "-123٬456");
        assert_eq!(arabic("کد یک"), "كد يك");
    }
}
