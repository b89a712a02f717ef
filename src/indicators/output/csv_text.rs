//! `indicators.csv`'s bytes, formatted by hand: the same bytes the `csv` crate's writer makes
//! of the same records (its defaults: `,` between fields, `\n` after each record, a field
//! quoted only when it holds `,`, `"`, `\r` or `\n`, a `"` inside doubled) and the figures as
//! `Decimal`'s `Display` writes them once normalized. Formatting through the crate's writer
//! and `Display` took ~65 ms of one core for the 278,000 rows at scale 1, as long as the
//! Parquet twin written beside it; the tests hold both formatters to each other.

use rust_decimal::Decimal;

/// Appends `field` as a CSV field (without a separator).
pub fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if !field
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Appends a figure as the CSV shows it: no trailing zeros, `-` for a negative value,
/// nothing for an undefined one (what `format!("{}", d.normalize())` writes).
pub fn push_figure(out: &mut Vec<u8>, figure: Option<Decimal>) {
    let Some(d) = figure else {
        return;
    };
    let (mut mantissa, mut scale) = (d.mantissa().unsigned_abs(), d.scale());
    match u64::try_from(mantissa) {
        // Trailing zeros dropped with 64-bit divisions (every real figure fits): 128-bit ones
        // are calls, several times slower.
        Ok(mut small) => {
            while scale > 0 && small % 10 == 0 {
                small /= 10;
                scale -= 1;
            }
            mantissa = u128::from(small);
        }
        Err(_) => {
            let normalized = d.normalize();
            (mantissa, scale) = (normalized.mantissa().unsigned_abs(), normalized.scale());
        }
    }
    if mantissa != 0 && d.is_sign_negative() {
        out.push(b'-');
    }
    // A mantissa has at most 29 digits (96 bits); a scale is at most 28. Digits are taken
    // with 64-bit divisions where the mantissa fits, as above.
    let mut digits = [0u8; 40];
    let mut at = digits.len();
    while mantissa > u128::from(u64::MAX) {
        at -= 1;
        digits[at] = b'0' + (mantissa % 10) as u8;
        mantissa /= 10;
    }
    let mut small = mantissa as u64;
    loop {
        at -= 1;
        digits[at] = b'0' + (small % 10) as u8;
        small /= 10;
        if small == 0 {
            break;
        }
    }
    let scale = scale as usize;
    // Leading zeros so that there is one digit before the point ("0.05").
    while digits.len() - at < scale + 1 {
        at -= 1;
        digits[at] = b'0';
    }
    let point = digits.len() - scale;
    out.extend_from_slice(&digits[at..point]);
    if scale > 0 {
        out.push(b'.');
        out.extend_from_slice(&digits[point..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the crate's writer makes of one record.
    fn by_the_crate(fields: &[&str]) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(fields).unwrap();
        w.into_inner().unwrap()
    }

    fn by_hand(fields: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_field(&mut out, f.as_bytes());
        }
        out.push(b'\n');
        out
    }

    #[test]
    fn fields_are_quoted_exactly_where_the_csv_crate_quotes_them() {
        let awkward = [
            "",
            "F-001",
            "a,b",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "carriage\rreturn",
            "'=HYPERLINK(\"x\")",
            "صندوق ۱",
            " spaced ",
            "tab\there",
            "#comment",
        ];
        for a in awkward {
            for b in awkward {
                let record = ["1403Q2", a, "", b, "0.5"];
                assert_eq!(
                    by_hand(&record),
                    by_the_crate(&record),
                    "{record:?} formatted differently"
                );
            }
        }
    }

    fn shown(d: Decimal) -> String {
        let mut out = Vec::new();
        push_figure(&mut out, Some(d));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn figures_read_as_display_of_the_normalized_decimal() {
        let mut cases: Vec<Decimal> = [
            "0",
            "-0",
            "0.0000",
            "-0.0000",
            "1",
            "-1",
            "10",
            "100.00",
            "0.05",
            "-0.05",
            "0.1000",
            "123.4560",
            "-987654321.0001",
            "0.0001",
            "-0.0001",
            "1000000",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        cases.push(Decimal::MAX);
        cases.push(Decimal::MIN);
        cases.push(Decimal::new(1, 28));
        cases.push(Decimal::new(-1, 28));
        cases.push(Decimal::from_i128_with_scale(
            79_228_162_514_264_337_593_543_950_335,
            28,
        ));
        // A fixed pseudo-random walk over mantissas of every size and every scale.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let bits = (x % 97) as u32;
            let mantissa = i128::from(x >> 1) << (bits.min(32)) >> (x % 64);
            let mantissa = if x.is_multiple_of(3) {
                -mantissa
            } else {
                mantissa
            };
            let scale = (x % 29) as u32;
            if let Ok(d) = Decimal::try_from_i128_with_scale(mantissa, scale) {
                cases.push(d);
            }
        }
        for d in cases {
            assert_eq!(shown(d), d.normalize().to_string(), "{d:?}");
        }
    }

    #[test]
    fn an_undefined_figure_is_an_empty_field() {
        let mut out = b"x".to_vec();
        push_figure(&mut out, None);
        assert_eq!(out, b"x");
    }
}
