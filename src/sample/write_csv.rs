//! Writes a one-sheet [`ExportFile`] as CSV in its office's encoding: UTF-8 with or without a
//! byte-order mark, or Windows-1256 as old Persian Excel saves it.

use super::layout::{CsvEncoding, ExportFile, Format};
use super::SampleError;
use std::path::Path;

/// Writes `file` to `path`.
pub(crate) fn write(path: &Path, file: &ExportFile) -> Result<(), SampleError> {
    let Format::Csv {
        delimiter,
        encoding,
        crlf,
    } = file.format
    else {
        return Ok(());
    };
    let csv_err = |source| SampleError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let terminator = if crlf {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(terminator)
        .from_writer(Vec::new());
    for sheet in &file.sheets {
        for title in &sheet.titles {
            w.write_record(title.iter().map(|c| c.to_csv()))
                .map_err(csv_err)?;
        }
        w.write_record(&sheet.header).map_err(csv_err)?;
        for row in &sheet.rows {
            w.write_record(row.iter().map(|c| c.to_csv()))
                .map_err(csv_err)?;
        }
    }
    let text = w.into_inner().map_err(|e| SampleError::Io {
        path: path.to_path_buf(),
        source: e.into_error(),
    })?;
    let text = String::from_utf8_lossy(&text).into_owned();
    let bytes = match encoding {
        CsvEncoding::Utf8 => text.into_bytes(),
        CsvEncoding::Utf8Bom => {
            let mut b = "\u{feff}".as_bytes().to_vec();
            b.extend_from_slice(text.as_bytes());
            b
        }
        CsvEncoding::Windows1256 => windows_1256(&text).map_err(|text| SampleError::Encoding {
            path: path.to_path_buf(),
            text,
        })?,
    };
    std::fs::write(path, bytes).map_err(|source| SampleError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Text as a Windows-1256 save writes it: Persian «ی» and «ۀ» become «ي» and «ه», Persian
/// digits and separators become ASCII (the code page has none of them). Anything else the
/// code page cannot hold is an error naming the first such character.
pub(crate) fn windows_1256(text: &str) -> Result<Vec<u8>, String> {
    let fitted: String = text
        .chars()
        .map(|c| match c {
            'ی' => 'ي',
            'ۀ' => 'ه',
            '\u{06f0}'..='\u{06f9}' => char::from(b'0' + (c as u32 - 0x06f0) as u8),
            '٬' => ',',
            '٫' => '.',
            c => c,
        })
        .collect();
    let (bytes, _, had_errors) = encoding_rs::WINDOWS_1256.encode(&fitted);
    if had_errors {
        let bad = fitted
            .chars()
            .find(|c| encoding_rs::WINDOWS_1256.encode(&c.to_string()).2)
            .map(|c| format!("{c} (U+{:04X})", c as u32))
            .unwrap_or_default();
        return Err(bad);
    }
    Ok(bytes.into_owned())
}

#[cfg(test)]
mod tests {
    use super::windows_1256;

    #[test]
    fn persian_letters_fit_windows_1256() {
        let bytes = windows_1256("گچپژک ی\u{200c}۱۳۹۹").unwrap();
        let (back, _, errors) = encoding_rs::WINDOWS_1256.decode(&bytes);
        assert!(!errors);
        assert_eq!(back, "گچپژک ي\u{200c}1399");
        assert!(windows_1256("✓").is_err());
    }
}
