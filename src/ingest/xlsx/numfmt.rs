//! Which number formats make a numeric cell a date: the built-in format ids and a reading of
//! custom format codes. The rules follow what calamine (this reader's oracle) decides, so that
//! both readers type every cell alike: the first section of a code decides; quoted text,
//! escaped characters and bracketed parts (colours, locales) are not tokens; `[h]`, `[m]`, `[s]`
//! make a duration; a `d m y h s` token, or `AM/PM`, makes a date.

/// What a style's number format makes of a numeric cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// A plain number.
    Number,
    /// A date or date-time.
    Date,
    /// A duration (`[h]:mm:ss`): kept as a number.
    Duration,
}

/// The kind of a built-in number format id.
pub fn builtin(id: &str) -> NumberKind {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" => {
            NumberKind::Date
        }
        "27" | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51"
        | "52" | "53" | "54" | "55" | "56" | "57" | "58" => NumberKind::Date,
        "46" => NumberKind::Duration,
        _ => NumberKind::Number,
    }
}

/// The kind of a custom format code.
pub fn custom(code: &str) -> NumberKind {
    let (mut escaped, mut quoted, mut am) = (false, false, false);
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut duration_token = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
        } else if matches!(c, '_' | '\\' | '*') {
            escaped = true;
        } else if quoted {
            if c == '"' {
                quoted = false;
            }
        } else if c == '"' {
            quoted = true;
        } else if c == ';' {
            return NumberKind::Number;
        } else if c == '[' {
            brackets = brackets.saturating_add(1);
        } else if c == ']' && brackets == 1 && duration_token {
            return NumberKind::Duration;
        } else if c == ']' {
            brackets = brackets.saturating_sub(1);
        } else if matches!(c, 'a' | 'A') && !am && brackets == 0 {
            am = true;
        } else if brackets == 0
            && ((am && matches!(c, 'p' | 'm' | '/' | 'P' | 'M'))
                || (!am && matches!(c, 'd' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S')))
        {
            // After an `A` only the rest of `AM/PM` counts; else a date or time letter does.
            return NumberKind::Date;
        } else if !(duration_token && c.eq_ignore_ascii_case(&prev)) {
            duration_token = prev == '[' && matches!(c, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
        }
        prev = c;
    }
    NumberKind::Number
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_durations_and_numbers() {
        assert_eq!(custom("DD/MM/YY"), NumberKind::Date);
        assert_eq!(custom("H:MM:SS;@"), NumberKind::Date);
        assert_eq!(custom("#,##0\\ [$\\u20bd-46D]"), NumberKind::Number);
        assert_eq!(custom("m\"M\"d\"D\";@"), NumberKind::Date);
        assert_eq!(custom("[h]:mm:ss"), NumberKind::Duration);
        assert_eq!(
            custom("\"Y: \"0.00\"m\";\"Y: \"-0.00\"m\";\"Y: <num>m\";@"),
            NumberKind::Number
        );
        assert_eq!(custom("#,##0"), NumberKind::Number);
        assert_eq!(custom("[Red]0.00"), NumberKind::Number);
        assert_eq!(custom("yyyy/mm/dd"), NumberKind::Date);
        assert_eq!(builtin("14"), NumberKind::Date);
        assert_eq!(builtin("3"), NumberKind::Number);
        assert_eq!(builtin("46"), NumberKind::Duration);
    }
}
