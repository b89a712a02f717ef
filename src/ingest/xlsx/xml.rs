//! Byte-level helpers for the small XML dialect of xlsx parts: start tags and their attributes,
//! entity and character references, Excel's `_xHHHH_` escapes, and rich text (`<t>` runs).
//! No DTD is ever read, so no entity can expand beyond the five XML ones and character references.

use memchr::memmem;

/// Why a part could not be read by this reader.
pub type XmlResult<T> = Result<T, String>;

/// The first `needle` in `hay`. Most searches of a sheet's XML end within a few bytes (the
/// `>` of a cell's tag, the `<` of its value), where a plain loop beats `memchr`'s vector setup;
/// past the first 16 bytes the rest is left to `memchr`.
#[inline]
pub fn find_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    let head = hay.len().min(16);
    match hay[..head].iter().position(|&b| b == needle) {
        Some(i) => Some(i),
        None => memchr::memchr(needle, &hay[head..]).map(|i| i + head),
    }
}

/// The attributes of a start tag, as raw `(name, value)` byte slices (values still escaped).
pub fn attributes(mut tag: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    std::iter::from_fn(move || {
        let skip = tag
            .iter()
            .position(|b| !b.is_ascii_whitespace() && *b != b'/')?;
        tag = &tag[skip..];
        let eq = find_byte(b'=', tag)?;
        let name = trim(&tag[..eq]);
        let rest = &tag[eq + 1..];
        let q = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let quote = rest[q];
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_start = q + 1;
        let len = find_byte(quote, &rest[value_start..])?;
        let value = &rest[value_start..value_start + len];
        tag = &rest[value_start + len + 1..];
        Some((name, value))
    })
}

/// The raw value of attribute `name` of a start tag.
pub fn attribute<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    attributes(tag).find(|(n, _)| *n == name).map(|(_, v)| v)
}

/// The raw value of the attribute whose local name (after any `prefix:`) is `local`.
pub fn attribute_local<'a>(tag: &'a [u8], local: &[u8]) -> Option<&'a [u8]> {
    attributes(tag)
        .find(|(n, _)| {
            let l = n
                .iter()
                .rposition(|b| *b == b':')
                .map_or(*n, |i| &n[i + 1..]);
            l == local
        })
        .map(|(_, v)| v)
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// A start tag found by [`start_tags`]: its attribute bytes and whether it closes itself.
pub struct Tag<'a> {
    /// Everything between the tag name and `>` (a trailing `/` included).
    pub attrs: &'a [u8],
    /// Offset of the byte after `>`.
    pub end: usize,
    /// `<x/>`.
    pub empty: bool,
}

/// Whether `xml[at..]` starts the element `name` (`<name` then a space, `>` or `/`).
pub fn starts_element(xml: &[u8], at: usize, name: &[u8]) -> bool {
    let after = at + 1 + name.len();
    xml.get(at) == Some(&b'<')
        && xml.get(at + 1..after) == Some(name)
        && matches!(
            xml.get(after),
            Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n')
        )
}

/// The start tag at `xml[at..]` (which must start with `<`), up to its `>`.
pub fn tag_at(xml: &[u8], at: usize, name_len: usize) -> Option<Tag<'_>> {
    let from = at + 1 + name_len;
    let gt = from + find_byte(b'>', xml.get(from..)?)?;
    let empty = gt > from && xml[gt - 1] == b'/';
    Some(Tag {
        attrs: &xml[from..if empty { gt - 1 } else { gt }],
        end: gt + 1,
        empty,
    })
}

/// Every start tag `<name …>` in `xml`, in order.
pub fn start_tags<'a>(xml: &'a [u8], name: &'a [u8]) -> impl Iterator<Item = Tag<'a>> + 'a {
    let mut finder_at = 0usize;
    let mut pat = Vec::with_capacity(name.len() + 1);
    pat.push(b'<');
    pat.extend_from_slice(name);
    std::iter::from_fn(move || loop {
        let i = finder_at + memmem::find(&xml[finder_at..], &pat)?;
        finder_at = i + 1;
        if starts_element(xml, i, name) {
            let t = tag_at(xml, i, name.len())?;
            finder_at = t.end;
            return Some(t);
        }
    })
}

/// The content of the element whose start tag ended at `from`, up to `</name>`: (content, offset
/// after the end tag).
pub fn content<'a>(xml: &'a [u8], from: usize, name: &[u8]) -> Option<(&'a [u8], usize)> {
    let mut at = from;
    loop {
        let i = at + find_byte(b'<', xml.get(at..)?)?;
        if let Some(end) = end_tag_at(xml, i, name) {
            return Some((&xml[from..i], end));
        }
        at = i + 1;
    }
}

/// The offset after the end tag `</name>` (spaces allowed before `>`) that starts at
/// `xml[at]`, if one does.
pub fn end_tag_at(xml: &[u8], at: usize, name: &[u8]) -> Option<usize> {
    let after = at + 2 + name.len();
    if xml.get(at) != Some(&b'<')
        || xml.get(at + 1) != Some(&b'/')
        || xml.get(at + 2..after) != Some(name)
    {
        return None;
    }
    let rest = xml.get(after..)?;
    let gt = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    (rest[gt] == b'>').then_some(after + gt + 1)
}

/// Decodes text content: the five XML entities and character references are resolved, and line
/// ends in literal text are normalized to `\n` as XML 1.0 requires (not those written as
/// references).
pub fn decode_text(raw: &[u8]) -> XmlResult<String> {
    let text = std::str::from_utf8(raw).map_err(|_| "text that is not UTF-8".to_string())?;
    if !text.contains(['&', '\r']) {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['&', '\r']) {
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'\r' {
            out.push('\n');
            rest = &rest[i + 1..];
            rest = rest.strip_prefix('\n').unwrap_or(rest);
            continue;
        }
        let after = &rest[i + 1..];
        let semi = after
            .find(';')
            .ok_or_else(|| "an unterminated entity reference".to_string())?;
        let name = &after[..semi];
        match name {
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "amp" => out.push('&'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            _ => out.push(char_reference(name)?),
        }
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Decodes an attribute value (entities and character references; no line-end handling needed
/// for the names and format codes read here).
pub fn decode_attr(raw: &[u8]) -> XmlResult<String> {
    decode_text(raw)
}

fn char_reference(name: &str) -> XmlResult<char> {
    let code = if let Some(hex) = name.strip_prefix("#x") {
        u32::from_str_radix(hex, 16).ok()
    } else if let Some(dec) = name.strip_prefix('#') {
        dec.parse::<u32>().ok()
    } else {
        return Err(format!("the unknown entity &{name};"));
    };
    code.and_then(char::from_u32)
        .ok_or_else(|| format!("the invalid character reference &{name};"))
}

/// Resolves Excel's `_xHHHH_` escapes (UTF-16 code units, surrogate pairs as two escapes).
pub fn unescape_excel(s: String) -> String {
    if !s.contains("_x") {
        return s;
    }
    let b = s.as_bytes();
    let unit_at = |i: usize| -> Option<u16> {
        let e = b.get(i..i + 7)?;
        if e[0] != b'_' || e[1] != b'x' || e[6] != b'_' {
            return None;
        }
        let hex = std::str::from_utf8(&e[2..6]).ok()?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u16::from_str_radix(hex, 16).ok()
    };
    let mut out = String::with_capacity(s.len());
    let (mut i, mut copied) = (0usize, 0usize);
    while i < b.len() {
        let Some(unit) = (b[i] == b'_').then(|| unit_at(i)).flatten() else {
            i += 1;
            continue;
        };
        out.push_str(&s[copied..i]);
        i += 7;
        match unit {
            0xD800..=0xDBFF => match unit_at(i) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let cp =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
                    i += 7;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            u => out.push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = i;
    }
    out.push_str(&s[copied..]);
    out
}

/// The text of a string item (`<si>` of shared strings, `<is>` of an inline string): every `<t>`
/// run outside phonetic guides (`<rPh>`), each trimmed of ASCII spaces and line breaks unless it
/// says `xml:space="preserve"`, then Excel escapes resolved.
pub fn rich_text(item: &[u8]) -> XmlResult<String> {
    if memmem::find(item, b"<![CDATA[").is_some() {
        return Err("CDATA sections in text".into());
    }
    let mut out = String::new();
    let mut at = 0usize;
    while let Some(lt) = memchr::memchr(b'<', &item[at..]) {
        let i = at + lt;
        if starts_element(item, i, b"rPh") {
            let tag = tag_at(item, i, 3).ok_or("a cut phonetic guide")?;
            at = if tag.empty {
                tag.end
            } else {
                content(item, tag.end, b"rPh")
                    .ok_or("a cut phonetic guide")?
                    .1
            };
        } else if starts_element(item, i, b"t") {
            let tag = tag_at(item, i, 1).ok_or("a cut text run")?;
            if tag.empty {
                at = tag.end;
                continue;
            }
            let (raw, next) = content(item, tag.end, b"t").ok_or("a cut text run")?;
            let text = decode_text(raw)?;
            let preserve = attribute(tag.attrs, b"xml:space") == Some(b"preserve");
            let text = if preserve {
                text
            } else {
                text.trim_matches([' ', '\t', '\r', '\n']).to_owned()
            };
            out.push_str(&unescape_excel(text));
            at = next;
        } else {
            at = i + 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_entities_and_escapes() {
        let tag = br#" r="A1" s='3' t="s" x14ac:dy="1""#;
        assert_eq!(attribute(tag, b"s"), Some(&b"3"[..]));
        assert_eq!(attribute_local(tag, b"dy"), Some(&b"1"[..]));
        assert_eq!(
            decode_text(b"a&amp;b&#1589;&#x6A9;\r\nc").unwrap(),
            "a&bصک\nc"
        );
        assert!(decode_text(b"&nbsp;").is_err());
        assert_eq!(
            unescape_excel("a_x000D_b_x005F_x000D_".into()),
            "a\rb_x000D_"
        );
        assert_eq!(unescape_excel("_xD83D__xDCF7_".into()), "📷");
        assert_eq!(
            rich_text(
                b"<r><t>a </t></r><r><t xml:space=\"preserve\"> b</t></r><rPh><t>x</t></rPh>"
            )
            .unwrap(),
            "a b"
        );
        assert_eq!(rich_text(b"").unwrap(), "");
    }
}
