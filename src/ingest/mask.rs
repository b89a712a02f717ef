//! Masking of personal-looking numbers in what ingest says about rows: a national ID (ten
//! digits whose check digit holds) or an Iranian mobile number (`09…` eleven digits, or with
//! the country code `+98`/`0098`) quoted in a reject's value, its reason, its raw row or a
//! warning becomes `•••`, whichever column it was found in. Personal fields themselves are never
//! quoted (see [`crate::ingest`]); this catches the same values where they do not belong (a
//! mobile shifted into `gender`, a national ID typed into `member_id`).
//!
//! Digits may be ASCII, Persian or Arabic-Indic, and grouped by single spaces or hyphens
//! (`0912 345 6789`); numbers side by side are masked one by one. Eight- or nine-digit numbers are not masked even when zero-padding would
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

/// Whether a number's digits are a national ID or a mobile number.
fn personal(d: &[u8]) -> bool {
    match d {
        [0, 9, rest @ ..] if rest.len() == 9 => true,
        [9, 8, 9, rest @ ..] if rest.len() == 9 => true,
        [0, 0, 9, 8, 9, rest @ ..] if rest.len() == 9 => true,
        _ if d.len() == 10 => {
            let text: String = d.iter().map(|&x| char::from(b'0' + x)).collect();
            crate::ingest::parse::national_id_is_valid(&text)
        }
        _ => false,
    }
}

/// A group of digits: its first and past-the-end character index, and its digits.
struct Group {
    start: usize,
    end: usize,
    digits: Vec<u8>,
}

/// `text` with every personal-looking number replaced by [`MASK`]. Digits come in groups
/// (runs of digits); groups separated by one space or hyphen may be one number written in
/// parts (`0912 123 4567`) or several numbers side by side (`09121234567 09351234567`), so
/// every stretch of consecutive groups of up to 14 digits is tried, longest stretch first.
pub fn mask(text: &str) -> Cow<'_, str> {
    let maybe = text
        .bytes()
        .any(|b| b.is_ascii_digit() || b == 0xD9 || b == 0xDB);
    if !maybe {
        return Cow::Borrowed(text);
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Groups, and whether each is joined to the next by a single space or hyphen.
    let mut groups: Vec<Group> = Vec::new();
    let mut joined: Vec<bool> = Vec::new();
    let mut i = 0usize;
    while i < chars.len() {
        if digit(chars[i].1).is_none() {
            i += 1;
            continue;
        }
        let mut g = Group {
            start: if i > 0 && chars[i - 1].1 == '+' {
                i - 1
            } else {
                i
            },
            end: i,
            digits: Vec::new(),
        };
        while let Some(d) = chars.get(i).and_then(|&(_, c)| digit(c)) {
            g.digits.push(d);
            i += 1;
        }
        g.end = i;
        let next_joins = chars.get(i).is_some_and(|&(_, c)| matches!(c, ' ' | '-'))
            && chars.get(i + 1).is_some_and(|&(_, c)| digit(c).is_some());
        groups.push(g);
        joined.push(next_joins);
    }
    // Stretches of joined groups that are personal, as character ranges.
    let mut masked: Vec<(usize, usize)> = Vec::new();
    let mut a = 0usize;
    while a < groups.len() {
        let mut found = None;
        let mut digits: Vec<u8> = Vec::new();
        let mut b = a;
        loop {
            digits.extend_from_slice(&groups[b].digits);
            if digits.len() > 14 {
                break;
            }
            if personal(&digits) {
                found = Some(b);
            }
            if !joined[b] || b + 1 == groups.len() {
                break;
            }
            b += 1;
        }
        match found {
            Some(b) => {
                masked.push((groups[a].start, groups[b].end));
                a = b + 1;
            }
            None => a += 1,
        }
    }
    if masked.is_empty() {
        return Cow::Borrowed(text);
    }
    let at = |ci: usize| chars.get(ci).map_or(text.len(), |&(byte, _)| byte);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0usize;
    for (from, to) in masked {
        out.push_str(&text[copied..at(from)]);
        out.push_str(MASK);
        copied = at(to);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Masks a string in place.
pub fn mask_in_place(s: &mut String) {
    if let Cow::Owned(m) = mask(s) {
        *s = m;
    }
}

/// The most characters of a cell a reject quotes (its value, each cell of its raw row).
pub const QUOTED_CHARS: usize = 200;
/// The most characters of a reject's reason.
pub const REASON_CHARS: usize = 1_000;

/// Masks everything a reject quotes (its value, reason and raw row) and bounds its length: a
/// 100,000-character cell is quoted by its first [`QUOTED_CHARS`] characters and `…`.
pub fn reject(r: &mut super::model::Reject) {
    mask_in_place(&mut r.value);
    clip(&mut r.value, QUOTED_CHARS);
    mask_in_place(&mut r.reason);
    clip(&mut r.reason, REASON_CHARS);
    for (_, v) in &mut r.raw_row {
        mask_in_place(v);
        clip(v, QUOTED_CHARS);
    }
}

/// Cuts `s` to `max` characters, the last being `…`.
fn clip(s: &mut String, max: usize) {
    if let std::borrow::Cow::Owned(cut) = crate::text::clip_chars(s, max) {
        *s = cut;
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
        let mut long = "ب".repeat(500);
        clip(&mut long, 200);
        assert_eq!(long.chars().count(), 200);
        assert!(long.ends_with('…'));
        let mut short = "abc".to_owned();
        clip(&mut short, 3);
        assert_eq!(short, "abc");
        // Two mobiles side by side; a national ID that starts like a mobile.
        assert_eq!(mask("09121234567 09351234567"), "••• •••");
        assert_eq!(mask("0912 123 4567-0935 123 4567"), "•••-•••");
        let id_like_mobile = (0..10u64)
            .map(|c| format!("09123456{c:02}"))
            .find(|d| crate::ingest::parse::national_id_is_valid(d))
            .expect("some check digit");
        assert_eq!(mask(&id_like_mobile), MASK);
    }
}
