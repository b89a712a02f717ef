//! Persian text normalization and the name matching used for headers, sheet names, enum values
//! and counties (DATA-CONTRACT.md §1 and §3).

use unicode_normalization::UnicodeNormalization;

const ZWNJ: char = '\u{200c}';

/// Normalizes a cell, header, sheet name or enum value as the contract stores text:
/// NFKC; Arabic `ي ى ك` to Persian `ی ک`; tatweel removed; Persian and Arabic-Indic digits to
/// ASCII; bidi marks and BOM removed; every kind of space to a plain space, trimmed and collapsed;
/// ZWNJ kept only between two letters.
///
/// ```
/// assert_eq!(sandogh::text::normalize(" صندوقهاي  خرد\u{200f} ۱۲ "), "صندوقهای خرد 12");
/// ```
pub fn normalize(raw: &str) -> String {
    if is_normal_ascii(raw) {
        return raw.to_owned();
    }
    let (mut out, mut removed) = normalize_once(raw);
    // A character removed from between two runs of combining marks (a tatweel, a bidi mark, a
    // ZWNJ) joins them, and NFKC would order the joined run anew: normalize again until
    // nothing changes, so that normalizing is idempotent (found by fuzzing). Real text
    // settles in one more pass at most.
    let mut passes = 0;
    while removed && passes < 8 {
        let (again, removed_again) = normalize_once(&out);
        if again == out {
            break;
        }
        (out, removed) = (again, removed_again);
        passes += 1;
    }
    out
}

/// One pass of [`normalize`]; also says whether a character was removed (not merely mapped).
fn normalize_once(raw: &str) -> (String, bool) {
    let mut removed = false;
    let mut chars: Vec<char> = Vec::with_capacity(raw.len());
    for c in raw.nfkc() {
        let c = match c {
            'ي' | 'ى' => 'ی',
            'ك' => 'ک',
            '\u{0640}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{feff}' => {
                // tatweel, bidi marks, BOM
                removed = true;
                continue;
            }
            '\u{06f0}'..='\u{06f9}' => char::from(b'0' + (c as u32 - 0x06f0) as u8),
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            c if c != ZWNJ && c.is_whitespace() => ' ',
            '\u{200b}' | '\u{2060}' => ' ',
            c => c,
        };
        chars.push(c);
    }
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            pending_space = !out.is_empty();
            continue;
        }
        if c == ZWNJ {
            let before = i > 0 && chars[i - 1].is_alphabetic();
            let after = chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
            if !(before && after) {
                removed = true;
                continue;
            }
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    (out, removed)
}

/// Whether `raw` normalizes to nothing (a blank cell), without normalizing it when a
/// character already shows that it does not: ASCII other than whitespace is never removed,
/// nor is a Persian or Arabic base letter ([`is_kept_letter`]), which nearly every Persian
/// cell starts with (normalizing each to tell it from a blank cost the messy sample 7% of its
/// ingest).
pub fn is_blank(raw: &str) -> bool {
    for c in raw.chars() {
        if c.is_ascii() {
            if !c.is_whitespace() {
                return false;
            }
        } else if is_kept_letter(c) {
            return false;
        } else {
            return normalize(raw).is_empty();
        }
    }
    true
}

/// The Arabic letters (without the tatweel, which [`normalize`] removes) and the Persian
/// ones (پ چ ژ ک گ ی). None has a compatibility decomposition, and composed with a following
/// mark a letter gives another letter, so a text holding one never normalizes to nothing.
fn is_kept_letter(c: char) -> bool {
    matches!(
        c,
        '\u{0621}'..='\u{063a}'
            | '\u{0641}'..='\u{064a}'
            | '\u{067e}'
            | '\u{0686}'
            | '\u{0698}'
            | '\u{06a9}'
            | '\u{06af}'
            | '\u{06cc}'
    )
}

/// Whether `raw` is already normal: printable ASCII (which NFKC and every folding above leave
/// as it is) with single spaces between words and none at the ends. Most cells of a ledger
/// (codes, numbers written as text, English words) are, and skip the full normalization.
fn is_normal_ascii(raw: &str) -> bool {
    let b = raw.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut previous_space = false;
    for &c in b {
        if !(0x20..0x7f).contains(&c) || (c == b' ' && previous_space) {
            return false;
        }
        previous_space = c == b' ';
    }
    true
}

/// Unit words that a header or amount cell may carry; they are dropped when names are matched.
pub const UNIT_WORDS: [&str; 7] = ["ریال", "تومان", "rial", "rials", "toman", "tomans", "﷼"];

/// The money unit a header or amount cell names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Rial, the stored unit.
    Rial,
    /// Toman: ten rials.
    Toman,
}

/// The unit word in `text`, if any (looked for inside brackets too). `﷼` means rial.
pub fn unit_of(text: &str) -> Option<Unit> {
    let norm = normalize(text).to_lowercase();
    let mut found = None;
    for token in norm.split(|c: char| !(c.is_alphabetic() || c == ZWNJ)) {
        match token {
            "ریال" | "rial" | "rials" => found = found.or(Some(Unit::Rial)),
            "تومان" | "toman" | "tomans" => found = found.or(Some(Unit::Toman)),
            _ => {}
        }
    }
    found
}

/// Removes bracketed parts: `مبلغ (تومان)` → `مبلغ `.
fn drop_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' | '（' => depth += 1,
            ')' | ']' | '}' | '）' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The key under which two names are the same (contract §1 "Matching names"): normalized,
/// brackets and unit words dropped, `ة ۀ ھ` folded to `ه` and `أ إ آ` to `ا`, harakat removed,
/// then spaces, ZWNJ, `_ - . :` removed and letters lower-cased.
///
/// ```
/// use sandogh::text::match_key;
/// assert_eq!(match_key("كد\u{200c} صندوق"), match_key("کدصندوق"));
/// assert_eq!(match_key("Fund_ID"), match_key("fund id"));
/// assert_eq!(match_key("مبلغ (تومان)"), match_key("مبلغ"));
/// ```
pub fn match_key(raw: &str) -> String {
    let text = drop_brackets(&normalize(raw)).to_lowercase();
    let mut out = String::with_capacity(text.len());
    for token in text.split([' ', '_', '-', '.', ':']) {
        if UNIT_WORDS.contains(&token) {
            continue;
        }
        for c in token.chars() {
            match c {
                'ة' | 'ۀ' | 'ھ' => out.push('ه'),
                'أ' | 'إ' | 'آ' => out.push('ا'),
                '\u{064b}'..='\u{0652}' | ZWNJ => {}
                c => out.push(c),
            }
        }
    }
    out
}

/// `s` cut to at most `max` characters, the last being `…` when anything was cut.
pub fn clip_chars(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= max {
        return s.into();
    }
    match s.char_indices().nth(max) {
        None => s.into(),
        Some(_) => {
            let keep: String = s.chars().take(max.saturating_sub(1)).chain(['…']).collect();
            keep.into()
        }
    }
}

/// Text as a spreadsheet program must show it, not run it: a value that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'` (the OWASP advice for CSV files
/// opened in Excel or LibreOffice), so `=HYPERLINK(…)` in a fund code stays text.
pub fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// `bytes` in lowercase hexadecimal, two digits each (how hashes are written in manifests,
/// cache names and fingerprints).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Escapes text for XML content and attributes (the SVG charts, the sample's ODS files);
/// control characters other than tab and line breaks, which XML 1.0 forbids, are dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes ASCII digits as Persian digits, for Persian labels.
pub fn to_persian_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0x06f0 + (c as u32 - '0' as u32)).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A trailing sheet number that marks a table continued on another sheet:
/// `savings 2`, `savings_2`, `savings (2)`, `اقساط ۲` → the name without it.
pub fn strip_continuation(name: &str) -> &str {
    let trimmed = name.trim_end();
    let without_paren = trimmed
        .strip_suffix(')')
        .and_then(|s| s.rfind('(').map(|i| (&s[..i], &s[i + 1..])))
        .filter(|(_, inner)| !inner.is_empty() && inner.chars().all(is_any_digit))
        .map(|(head, _)| head);
    if let Some(head) = without_paren {
        return head.trim_end();
    }
    let head = trimmed.trim_end_matches(is_any_digit);
    if head.len() == trimmed.len() || head.is_empty() {
        return trimmed;
    }
    let stripped = head.trim_end_matches([' ', '_', '-', '\u{a0}']);
    if stripped.len() == head.len() || stripped.is_empty() {
        // `savings2` with no separator is left alone; it could be a real name.
        return trimmed;
    }
    stripped
}

fn is_any_digit(c: char) -> bool {
    c.is_ascii_digit()
        || ('\u{06f0}'..='\u{06f9}').contains(&c)
        || ('\u{0660}'..='\u{0669}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_in_hex_are_two_lowercase_digits_each() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn normalizes_arabic_letters_digits_spaces_and_marks() {
        assert_eq!(normalize("صندوقهاي خرد محلي"), "صندوقهای خرد محلی");
        assert_eq!(normalize("كد"), "کد");
        assert_eq!(normalize("مـــبلغ"), "مبلغ");
        assert_eq!(normalize("۱۴۰۳/۰۲/۱۵"), "1403/02/15");
        assert_eq!(normalize("١٢٣"), "123");
        assert_eq!(normalize("\u{feff}\u{200f}abc\u{202b}"), "abc");
        assert_eq!(normalize("  a\u{a0}\u{a0}b \t c  "), "a b c");
        assert_eq!(normalize("\u{200c}a\u{200c}"), "a");
        assert_eq!(normalize("صندوق\u{200c}ها"), "صندوق\u{200c}ها");
        assert_eq!(normalize("صندوق \u{200c}ها"), "صندوق ها");
        // Arabic presentation forms fold to base letters
        assert_eq!(normalize("\u{fee9}"), "ه");
        // The rial sign is a compatibility form of the word
        assert_eq!(normalize("﷼"), "ریال");
    }

    #[test]
    fn the_ascii_shortcut_agrees_with_the_full_normalization() {
        for s in [
            "ZNJ-0001", "deposit", "a b", "a  b", " a", "a ", "", "x\ty", "1,200",
        ] {
            let full = {
                // The full path, forced by a character that normalizes to nothing.
                let with_mark = format!("\u{200e}{s}");
                normalize(&with_mark)
            };
            assert_eq!(normalize(s), full, "{s:?}");
        }
        for s in [
            "",
            " ",
            "\t\u{0b}",
            "\u{200c}\u{200f}",
            "\u{a0}",
            "x",
            " \u{1} ",
            "ـ",
            "۰",
            "صنایع دستی",
            " \u{200f}آ",
            "\u{0627}\u{0653}",
            "ـــ\u{200c}",
        ] {
            assert_eq!(is_blank(s), normalize(s).is_empty(), "{s:?}");
        }
        // Every letter taken as kept, alone, before a removed or spacing character and before
        // each Arabic mark, normalizes to something.
        let letters = (0x0600..=0x06ff_u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_kept_letter(c));
        for letter in letters {
            for after in ["", "\u{0640}", "\u{200c}", " ", "\u{200f}"]
                .into_iter()
                .map(str::to_owned)
                .chain(
                    (0x064b..=0x065f_u32)
                        .filter_map(char::from_u32)
                        .map(String::from),
                )
            {
                let s = format!("{letter}{after}");
                assert!(!normalize(&s).is_empty() && !is_blank(&s), "{s:?}");
            }
        }
        assert!(is_normal_ascii("ZNJ-0001 x"));
        assert!(!is_normal_ascii("a  b") && !is_normal_ascii(" a") && !is_normal_ascii("a\tb"));
    }

    #[test]
    fn matches_header_variants() {
        let k = match_key("کد صندوق");
        for v in [
            "کد\u{200c} صندوق",
            "كد صندوق",
            "کدصندوق",
            "کد_صندوق",
            " کد  صندوق: ",
        ] {
            assert_eq!(match_key(v), k, "{v}");
        }
        assert_eq!(match_key("Fund_ID"), "fundid");
        assert_eq!(match_key("fund-id"), "fundid");
        assert_eq!(match_key("تاریخ تأسیس"), match_key("تاریخ تاسیس"));
        assert_eq!(match_key("مبلغ وام (ریال)"), match_key("مبلغ وام"));
        assert_eq!(match_key("amount rials"), "amount");
        assert_eq!(match_key("مبلغ تومان"), match_key("مبلغ"));
        assert_eq!(match_key("مدت (ساعت)"), "مدت");
        assert_eq!(match_key("صندوقۀ"), "صندوقه");
        assert_eq!(match_key("مَبلغ"), "مبلغ");
        assert_ne!(match_key("کد عضو"), match_key("کد صندوق"));
    }

    #[test]
    fn finds_units() {
        assert_eq!(unit_of("مبلغ (تومان)"), Some(Unit::Toman));
        assert_eq!(unit_of("120,000 تومان"), Some(Unit::Toman));
        assert_eq!(unit_of("1 200 000 ریال"), Some(Unit::Rial));
        assert_eq!(unit_of("500﷼"), Some(Unit::Rial));
        assert_eq!(unit_of("Amount (Tomans)"), Some(Unit::Toman));
        assert_eq!(unit_of("مبلغ"), None);
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for risky in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(spreadsheet_safe(risky).starts_with('\''), "{risky:?}");
        }
        assert_eq!(spreadsheet_safe("F-1"), "F-1");
        assert_eq!(spreadsheet_safe(""), "");
        assert_eq!(unit_of("materials"), None);
    }

    #[test]
    fn strips_continuation_numbers() {
        assert_eq!(strip_continuation("savings 2"), "savings");
        assert_eq!(strip_continuation("savings_2"), "savings");
        assert_eq!(strip_continuation("savings (2)"), "savings");
        assert_eq!(strip_continuation("اقساط ۲"), "اقساط");
        assert_eq!(strip_continuation("savings"), "savings");
        assert_eq!(strip_continuation("2024"), "2024");
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;"
        );
    }

    #[test]
    fn writes_persian_digits() {
        assert_eq!(to_persian_digits("1403Q2"), "۱۴۰۳Q۲");
    }
}
