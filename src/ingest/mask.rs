//! Masking of personal-looking numbers in what ingest says about rows: a national ID (ten
//! digits whose check digit holds) or an Iranian mobile number (`09…` eleven digits, or with
//! the country code `+98`/`0098`) quoted in a reject's value, its reason, its raw row or a
//! warning becomes `•••`, whichever column it was found in. Personal fields themselves are never
//! quoted (see [`crate::ingest`]); this catches the same values where they do not belong (a
//! mobile shifted into `gender`, a national ID typed into `member_id`).
//!
//! Digits may be ASCII, Persian or Arabic-Indic, and grouped by single spaces or hyphens
//! (`0912 345 6789`). Eight- or nine-digit numbers are not masked even when zero-padding would
//! make a valid national ID: amounts of that size are common and their messages must stay
//! readable.

use std::borrow::Cow;

/// What a masked number is replaced with.
pub const MASK: &str = "•••";

fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{06F0}'..='\u{06F9}' => Some((c as u32 - 0x06F0) as u8),
        '\u{0660}'..='\u{0669}' => Some((c as u32 - 0x0660) as u8),
        _ => None,
    }
}

/// Whether a run of digits (ASCII) is a national ID or a mobile number.
fn personal(d: &[u8]) -> bool {
    let mobile = |rest: &[u8]| rest.len() == 9;
    match d {
        [0, 9, rest @ ..] => mobile(rest),
        [9, 8, 9, rest @ ..] => mobile(rest),
        [0, 0, 9, 8, 9, rest @ ..] => mobile(rest),
        _ if d.len() == 10 => {
            let text: String = d.iter().map(|&x| char::from(b'0' + x)).collect();
            crate::ingest::parse::national_id_is_valid(&text)
        }
        _ => false,
    }
}

/// `text` with every personal-looking number replaced by [`MASK`].
pub fn mask(text: &str) -> Cow<'_, str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        if digit(chars[i].1).is_none() {
            i += 1;
            continue;
        }
        // A run: digits, with single spaces or hyphens between digits; a `+` before it.
        let start = if i > 0 && chars[i - 1].1 == '+' {
            i - 1
        } else {
            i
        };
        let mut digits = Vec::new();
        let mut j = i;
        while j < chars.len() {
            if let Some(d) = digit(chars[j].1) {
                digits.push(d);
                j += 1;
            } else if matches!(chars[j].1, ' ' | '-')
                && chars.get(j + 1).is_some_and(|&(_, c)| digit(c).is_some())
            {
                j += 1;
            } else {
                break;
            }
        }
        if personal(&digits) {
            let from = chars[start].0;
            let to = chars.get(j).map_or(text.len(), |&(at, _)| at);
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..from]);
            o.push_str(MASK);
            copied = to;
        }
        i = j;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
    }
}

/// Masks a string in place.
pub fn mask_in_place(s: &mut String) {
    if let Cow::Owned(m) = mask(s) {
        *s = m;
    }
}

/// Masks everything a reject quotes: its value, reason and raw row.
pub fn reject(r: &mut super::model::Reject) {
    mask_in_place(&mut r.value);
    mask_in_place(&mut r.reason);
    for (_, v) in &mut r.raw_row {
        mask_in_place(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids_and_mobiles_are_masked_wherever_they_are_quoted() {
        // 0499370899 has a valid check digit; 0499370898 does not.
        assert_eq!(
            mask("«0499370899» is not a gender"),
            "«•••» is not a gender"
        );
        assert_eq!(mask("id 0499370898"), "id 0499370898");
        assert_eq!(mask("call 09121234567 now"), "call ••• now");
        assert_eq!(mask("+989121234567"), "•••");
        assert_eq!(mask("00989121234567,x"), "•••,x");
        assert_eq!(mask("۰۹۱۲۱۲۳۴۵۶۷"), "•••");
        assert_eq!(mask("0912 123 4567 and 0912-123-4567"), "••• and •••");
        // Amounts and other numbers stay readable.
        assert_eq!(mask("12,000,000 rials"), "12,000,000 rials");
        assert_eq!(mask("1234567890123"), "1234567890123");
        assert_eq!(mask("row 12 of 1403/01/10"), "row 12 of 1403/01/10");
        assert!(matches!(mask("nothing here"), Cow::Borrowed(_)));
    }
}
