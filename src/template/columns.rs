//! What a county office sees of each table and field, in Persian or English: the sheet name a
//! template gives a table, the header it gives a field, the note on that header, and the words
//! offered for an enum. Every name chosen here is one that ingest recognizes (a sheet alias of
//! the table, an alias or the name of the field, a word of the vocabulary), so that a template
//! filled in by hand reads back as the table it was made for; the tests of `sandogh template`
//! ingest the templates to prove it.

use crate::config::Pipeline;
use crate::report::i18n::Lang;
use crate::schema::{EnumKind, Field, Kind, Table};

/// The sheet name of a table in a template (and its name in a corrections workbook): a sheet
/// alias of the table in Persian, the table's own name in English.
pub fn table_title(table: Table, lang: Lang) -> &'static str {
    match lang {
        Lang::En => table.name(),
        Lang::Fa => match table {
            Table::Funds => "صندوق‌ها",
            Table::Members => "اعضا",
            Table::Savings => "پس‌انداز",
            Table::Loans => "وام‌ها",
            Table::Installments => "اقساط",
            Table::Financing => "تأمین مالی",
            Table::Trainings => "دوره‌های آموزشی",
        },
    }
}

/// Whether a text holds a letter outside ASCII (a Persian alias, not an English one).
fn is_persian(text: &str) -> bool {
    text.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
}

/// The header of a field without its unit: its first Persian alias in Persian (its name when it
/// has none), its own name in English (always recognized, never ambiguous).
pub fn field_title(field: &Field, lang: Lang) -> &'static str {
    match lang {
        Lang::En => field.name,
        Lang::Fa => field
            .aliases
            .iter()
            .copied()
            .find(|a| is_persian(a))
            .unwrap_or(field.name),
    }
}

/// The header a template writes for a field: its title, and for amounts the unit in brackets
/// (`مبلغ (ریال)`), which ingest reads as the column's unit and otherwise ignores.
pub fn header(field: &Field, lang: Lang) -> String {
    let title = field_title(field, lang);
    match (field.kind, lang) {
        (Kind::Amount { .. }, Lang::Fa) => format!("{title} (ریال)"),
        (Kind::Amount { .. }, Lang::En) => format!("{title} (rials)"),
        _ => title.to_owned(),
    }
}

/// The words a template offers for an enum, in the language's form, each one a word ingest
/// maps to its canonical value: the vocabulary's first Persian word (Persian) or the canonical
/// value (English); counties by their names in the pipeline. Course type `other` has no
/// Persian word in the contract, and any word not in the vocabulary reads as `other`, so the
/// Persian list offers `سایر` for it.
pub fn choices(kind: EnumKind, pipeline: &Pipeline, lang: Lang) -> Vec<String> {
    if kind == EnumKind::County {
        return pipeline
            .counties
            .iter()
            .map(|c| match lang {
                Lang::Fa => c.fa.clone(),
                Lang::En => c.en.clone(),
            })
            .collect();
    }
    kind.vocabulary()
        .iter()
        .map(|(canonical, words)| match lang {
            Lang::En => (*canonical).to_owned(),
            Lang::Fa => match words.first() {
                Some(w) => (*w).to_owned(),
                None if kind == EnumKind::CourseType => "سایر".to_owned(),
                None => (*canonical).to_owned(),
            },
        })
        .collect()
}

/// The words a template offers for yes and no.
pub fn yes_no(lang: Lang) -> [&'static str; 2] {
    match lang {
        Lang::Fa => ["بله", "خیر"],
        Lang::En => ["yes", "no"],
    }
}

/// An enum's value as a template writes it: the word [`choices`] offers for `canonical`.
pub fn choice_of(kind: EnumKind, canonical: &str, pipeline: &Pipeline, lang: Lang) -> String {
    if kind == EnumKind::County {
        return match pipeline.county(canonical) {
            Some(c) if lang == Lang::Fa => c.fa.clone(),
            Some(c) => c.en.clone(),
            None => canonical.to_owned(),
        };
    }
    let position = kind.vocabulary().iter().position(|(c, _)| *c == canonical);
    match position {
        Some(i) => choices(kind, pipeline, lang)
            .into_iter()
            .nth(i)
            .unwrap_or_else(|| canonical.to_owned()),
        None => canonical.to_owned(),
    }
}

/// The note on a field's header: what it holds, whether it must be filled, its unit or form,
/// and the rules of the contract an office most often breaks.
pub fn note(table: Table, field: &Field, pipeline: &Pipeline, lang: Lang) -> String {
    let fa = lang == Lang::Fa;
    let mut lines: Vec<String> = Vec::new();
    lines.push(match (field.required, fa) {
        (true, true) => "الزامی.".to_owned(),
        (true, false) => "Required.".to_owned(),
        (false, true) => "اختیاری.".to_owned(),
        (false, false) => "Optional.".to_owned(),
    });
    lines.push(match (field.kind, fa) {
        (Kind::Id, true) => "شناسه، به صورت متن: صفرهای ابتدایی حفظ می‌شوند.".to_owned(),
        (Kind::Id, false) => "An identifier, kept as text: leading zeros stay.".to_owned(),
        (Kind::Text, true) => "متن.".to_owned(),
        (Kind::Text, false) => "Text.".to_owned(),
        (Kind::Int { min }, true) => format!("عدد صحیح، دست‌کم {min}."),
        (Kind::Int { min }, false) => format!("A whole number, at least {min}."),
        (Kind::Amount { positive: true }, true) => {
            "مبلغ به ریال، عدد صحیح و بیشتر از صفر (به تومان ننویسید).".to_owned()
        }
        (Kind::Amount { positive: true }, false) => {
            "Whole rials, more than zero (not tomans).".to_owned()
        }
        (Kind::Amount { positive: false }, true) => {
            "مبلغ به ریال، عدد صحیح، صفر یا بیشتر (به تومان ننویسید).".to_owned()
        }
        (Kind::Amount { positive: false }, false) => {
            "Whole rials, zero or more (not tomans).".to_owned()
        }
        (Kind::Date, true) => "تاریخ شمسی به صورت سال/ماه/روز، مانند 1403/02/15.".to_owned(),
        (Kind::Date, false) => "A Jalali date as year/month/day, such as 1403/02/15.".to_owned(),
        (Kind::Bool, true) => "بله یا خیر.".to_owned(),
        (Kind::Bool, false) => "yes or no.".to_owned(),
        (Kind::Enum(k), _) => {
            let words = choices(k, pipeline, lang).join(fa_or(fa, "، ", ", "));
            let default = k.default_value().map(|d| choice_of(k, d, pipeline, lang));
            match (default, fa) {
                (Some(d), true) => format!("یکی از: {words}. خالی یعنی {d}."),
                (Some(d), false) => format!("One of: {words}. Blank means {d}."),
                (None, true) => format!("یکی از: {words}."),
                (None, false) => format!("One of: {words}."),
            }
        }
    });
    if field.personal {
        lines.push(
            fa_or(
                fa,
                "اطلاعات شخصی: فقط برای بررسی خوانده می‌شود و در هیچ خروجی نمی‌آید.",
                "Personal data: read for checks only, never written to any output.",
            )
            .to_owned(),
        );
    }
    if let Some(rule) = rule_note(table, field.name, fa) {
        lines.push(rule.to_owned());
    }
    lines.join("\n")
}

fn fa_or<'a>(fa: bool, persian: &'a str, english: &'a str) -> &'a str {
    if fa {
        persian
    } else {
        english
    }
}

/// The contract's rule about one field, as a sentence for the office, where it has one.
fn rule_note(table: Table, field: &str, fa: bool) -> Option<&'static str> {
    let (persian, english) = match (table, field) {
        (Table::Funds, "fund_id") => (
            "هر صندوق یک بار؛ همین کد در برگه‌های دیگر به کار می‌رود.",
            "One row per fund; the other sheets use the same code.",
        ),
        (t, "fund_id") if t != Table::Trainings => (
            "کد صندوقی که در برگه صندوق‌ها آمده است.",
            "A fund code from the funds sheet.",
        ),
        (Table::Trainings, "fund_id") => (
            "دوره به شهرستان این صندوق تعلق دارد؛ اگر خالی باشد به شهرستان ستون بعد، و اگر آن هم خالی باشد به استان.",
            "The course belongs to this fund's county; if blank, to the county column's, else to the province.",
        ),
        (Table::Members, "member_id") => (
            "در هر صندوق یک بار.",
            "Once per fund.",
        ),
        (Table::Members, "household_id") => (
            "خالی یعنی عضو خود یک خانوار است.",
            "Blank means the member is a household of one.",
        ),
        (Table::Members, "left_on") => (
            "فقط برای عضوی که خارج شده است؛ پس از تاریخ عضویت.",
            "Only for a member who left; after the joining date.",
        ),
        (Table::Savings | Table::Loans, "member_id") => (
            "کد عضوی از همین صندوق در برگه اعضا.",
            "A member of the same fund on the members sheet.",
        ),
        (Table::Savings, "amount") => (
            "برداشت را با نوع «برداشت» بنویسید، نه با مبلغ منفی.",
            "Write a withdrawal as kind «withdrawal», not as a negative amount.",
        ),
        (Table::Installments, "loan_id") => (
            "کد وامی از برگه وام‌ها.",
            "A loan code from the loans sheet.",
        ),
        (Table::Installments, "installment_no") => (
            "هر قسط یک ردیف؛ شماره‌ها از 1.",
            "One row per installment, numbered from 1.",
        ),
        (Table::Installments, "paid_on") => (
            "تاریخ آخرین پرداخت این قسط؛ اگر مبلغ پرداختی بیشتر از صفر است الزامی است.",
            "The date of the last payment on it; required when the paid amount is more than zero.",
        ),
        (Table::Installments, "paid_amount") => (
            "جمع پرداختی این قسط؛ خالی یعنی صفر.",
            "The total paid on it; blank means zero.",
        ),
        (Table::Financing, "source") => ("خالی یعنی امید.", "Blank means omid."),
        _ => return None,
    };
    Some(if fa { persian } else { english })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::match_key;

    #[test]
    fn every_title_is_a_name_ingest_recognizes() {
        for table in Table::ALL {
            for lang in Lang::ALL {
                let title = match_key(table_title(table, lang));
                assert!(
                    title == match_key(table.name())
                        || table.sheet_aliases().iter().any(|a| match_key(a) == title),
                    "{table:?} {lang:?}"
                );
                let mut seen = std::collections::BTreeSet::new();
                for f in table.fields() {
                    let h = field_title(f, lang);
                    assert!(
                        h == f.name || f.aliases.contains(&h),
                        "{}.{} {h}",
                        table.name(),
                        f.name
                    );
                    assert!(seen.insert(match_key(h)), "{h} twice in {}", table.name());
                }
            }
        }
    }

    #[test]
    fn every_enum_choice_maps_to_its_canonical_value() {
        let pipeline = Pipeline::default_pipeline();
        for kind in [
            EnumKind::FundType,
            EnumKind::Gender,
            EnumKind::SavingsKind,
            EnumKind::FundingSource,
        ] {
            for (canonical, words) in kind.vocabulary() {
                let word = choice_of(kind, canonical, &pipeline, Lang::Fa);
                assert!(words.contains(&word.as_str()), "{canonical}: {word}");
                assert_eq!(choice_of(kind, canonical, &pipeline, Lang::En), *canonical);
            }
        }
        assert_eq!(
            choice_of(EnumKind::CourseType, "other", &pipeline, Lang::Fa),
            "سایر"
        );
        let zanjan = choice_of(EnumKind::County, "zanjan", &pipeline, Lang::Fa);
        assert_eq!(zanjan, "زنجان");
    }
}
