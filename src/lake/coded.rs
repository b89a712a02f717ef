//! A text column of the lake read as it is stored: each row group's distinct texts (its
//! dictionary page) and every row's key among them, without making a text of every row.
//!
//! The indicators look each row's fund or loan up by its text. Read through Polars' scan, a
//! million installments' `loan_id` and `fund_id` became 16-byte views, row by row (~30 MB of
//! fresh memory at scale 1), each then compared with the row before. Read coded, a row is a
//! 4-byte key, and each distinct text of a row group is looked up once ([`Coded::lookup`]).
//!
//! Only what the lake's writer makes is read this way: a flat column of texts (not binary,
//! categorical or enum, nor a list), every data page of it in every row group
//! dictionary-coded, the files as `day_range` takes them (no hidden entry, no symbolic link),
//! in the order of their paths as texts, which is the order of Polars' scan. Where any of that
//! does not hold (a column written plain because its texts are all distinct, a lake copied or
//! edited by hand, a file that cannot be read), [`Coded::read`] gives `None` and the caller
//! reads the column through Polars as before, so the answer, or the error, is the scan's.

use super::days::parquet_files;
use crate::schema::Table;
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray, Utf8ViewArray};
use polars_arrow::datatypes::{ArrowDataType, Field, IntegerType, Metadata, DTYPE_CATEGORICAL_NEW};
use polars_parquet::parquet::schema::types::{
    PhysicalType, PrimitiveConvertedType, PrimitiveLogicalType,
};
use polars_parquet::read::{
    column_iter_to_arrays, infer_schema, read_metadata, BasicDecompressor, ColumnChunkMetadata,
    FileMetadata, PageReader,
};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// One text column of a lake table: its row groups, in the order of the scan's rows.
#[derive(Debug)]
pub struct Coded {
    /// Each row group's texts and keys.
    groups: Vec<Group>,
    /// Rows in all.
    len: usize,
}

/// A row group of a [`Coded`] column.
#[derive(Debug)]
struct Group {
    /// The row group's distinct texts.
    texts: Utf8ViewArray,
    /// Each row's place among `texts`; blank rows are null (every key is checked to be a
    /// place in `texts` when read).
    keys: PrimitiveArray<u32>,
}

impl Coded {
    /// Reads column `name` of `table` coded; `None` when the lake is not as its writer makes it
    /// (see the module's notes), and the column is to be read through Polars.
    pub fn read(lake: &Path, table: Table, name: &str) -> Option<Coded> {
        let dir = lake.join(table.name());
        if !dir.is_dir() {
            return None;
        }
        let mut files = Vec::new();
        parquet_files(&dir, &mut files)?;
        // Polars' scan takes the files in the order of their paths as texts.
        let mut named: Vec<(String, PathBuf)> = files
            .into_iter()
            .map(|p| Some((p.to_str()?.to_owned(), p)))
            .collect::<Option<_>>()?;
        named.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut groups = Vec::new();
        for (_, path) in named {
            read_file(&path, name, &mut groups)?;
        }
        let len = groups.iter().map(|g| g.keys.len()).sum();
        Some(Coded { groups, len })
    }

    /// How many rows the column has.
    pub fn rows(&self) -> usize {
        self.len
    }

    /// Each row's `find(text)` (`None` for a blank row), in the rows' order; `find` is called
    /// once for each distinct text of a row group, so it must give the same answer for the same
    /// text (a lookup).
    pub fn lookup<'s, T, F>(&'s self, mut find: F) -> impl Iterator<Item = Option<T>> + 's
    where
        T: Clone + 's,
        F: FnMut(&str) -> Option<T> + 's,
    {
        self.groups.iter().flat_map(move |g| {
            let found: Vec<Option<T>> = (0..g.texts.len())
                .map(|i| g.texts.get(i).and_then(&mut find))
                .collect();
            g.keys
                .iter()
                .map(move |key| key.and_then(|&k| found.get(k as usize).cloned().flatten()))
        })
    }
}

/// Appends the row groups of column `name` of the file at `path` to `groups`; `None` when
/// the file cannot be read so or the column is not dictionary-coded throughout.
fn read_file(path: &Path, name: &str, groups: &mut Vec<Group>) -> Option<()> {
    let mut file = std::fs::File::open(path).ok()?;
    let size = file.metadata().ok()?.len();
    let footer = read_metadata(&mut file).ok()?;
    if !read_as_text(&footer, name) {
        return None;
    }
    let mut metadata = Metadata::new();
    // Polars' mark of a categorical column: its pages are decoded into keys, not texts.
    metadata.insert(DTYPE_CATEGORICAL_NEW.into(), "".into());
    let dtype = ArrowDataType::Dictionary(
        IntegerType::UInt32,
        Box::new(ArrowDataType::Utf8View),
        false,
    );
    for group in &footer.row_groups {
        let mut chunks = group.columns_under_root_iter(name)?;
        let (Some(chunk), None) = (chunks.next(), chunks.next()) else {
            return None;
        };
        let column = chunk.descriptor();
        let stored = &column.descriptor.primitive_type;
        let text = matches!(stored.logical_type, Some(PrimitiveLogicalType::String))
            || (stored.logical_type.is_none()
                && matches!(stored.converted_type, Some(PrimitiveConvertedType::Utf8)));
        // A flat column of texts only; and Polars' decoder of coded pages takes the dictionary
        // page for granted.
        if stored.physical_type != PhysicalType::ByteArray
            || !text
            || column.descriptor.max_rep_level != 0
            || column.path_in_schema.len() != 1
            || chunk.dictionary_page_offset().is_none()
        {
            return None;
        }
        let bytes = chunk_bytes(&mut file, chunk, size)?;
        let pages = PageReader::new(std::io::Cursor::new(bytes), chunk, Vec::new(), usize::MAX);
        let field = Field::new(name.into(), dtype.clone(), true).with_metadata(metadata.clone());
        // A page that is not coded is an error, not a panic; a file whose footer names a
        // dictionary page it does not hold would be a panic in Polars' decoder, which is
        // caught here (the scan then reads the file, and says what is wrong with it).
        let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            column_iter_to_arrays(
                vec![BasicDecompressor::new(pages, Vec::new())],
                vec![stored],
                field,
                None,
            )
        }));
        let (arrays, _) = decoded.ok()?.ok()?;
        let mut read = 0;
        for array in arrays {
            let coded = group_of(array.as_ref())?;
            read += coded.keys.len();
            groups.push(coded);
        }
        if read != group.num_rows() {
            return None;
        }
    }
    Some(())
}

/// Whether Polars' scan reads column `name` of the file whose footer is `footer` as plain
/// texts: a text type (the file's own Arrow schema, where it has one, decides, as for the
/// scan), not marked categorical or enum.
fn read_as_text(footer: &FileMetadata, name: &str) -> bool {
    let Ok(schema) = infer_schema(footer) else {
        return false;
    };
    schema.get(name).is_some_and(|field| {
        matches!(
            field.dtype(),
            ArrowDataType::Utf8View | ArrowDataType::LargeUtf8 | ArrowDataType::Utf8
        ) && !field.is_categorical()
            && !field.is_enum()
    })
}

/// The bytes of one column chunk of `file` (of `size` bytes).
fn chunk_bytes(
    file: &mut std::fs::File,
    chunk: &ColumnChunkMetadata,
    size: u64,
) -> Option<polars_buffer::Buffer<u8>> {
    let range = chunk.byte_range();
    if range.start > range.end || range.end > size {
        return None;
    }
    let mut bytes = vec![0u8; usize::try_from(range.end - range.start).ok()?];
    file.seek(SeekFrom::Start(range.start)).ok()?;
    file.read_exact(&mut bytes).ok()?;
    Some(polars_buffer::Buffer::from(bytes))
}

/// A decoded row group as a [`Group`]; `None` unless it is a dictionary of texts whose keys
/// are all places in it.
fn group_of(array: &dyn Array) -> Option<Group> {
    let coded = array.as_any().downcast_ref::<DictionaryArray<u32>>()?;
    let texts = coded
        .values()
        .as_any()
        .downcast_ref::<Utf8ViewArray>()?
        .clone();
    let keys = coded.keys().clone();
    let places = texts.len();
    keys.iter()
        .flatten()
        .all(|&k| (k as usize) < places)
        .then_some(Group { texts, keys })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lake::{scan_or_empty, slice_schema, ParquetFile, SliceColumn};
    use polars::prelude::*;

    /// Writes `partitions` as the savings table's `fund_id` column and a row number, one file
    /// per partition and one row group per slice, as the lake's writer does.
    fn lake_of(partitions: &[(&str, Vec<Vec<Option<&'static str>>>)]) -> tempfile::TempDir {
        let lake = tempfile::tempdir().expect("temp dir");
        for (county, slices) in partitions {
            let path = lake
                .path()
                .join("savings")
                .join(format!("county={county}"))
                .join("part-0.parquet");
            let columns = |rows: &[Option<&'static str>]| {
                let numbers: Vec<i64> = (0..rows.len() as i64).collect();
                vec![
                    SliceColumn::texts("fund_id".into(), rows.iter().copied()),
                    SliceColumn::Plain(Series::new("amount".into(), numbers).into_column()),
                ]
            };
            let mut file =
                ParquetFile::create(&path, &slice_schema(&columns(&slices[0]))).expect("created");
            for rows in slices {
                file.write(&columns(rows)).expect("written");
            }
            file.finish().expect("finished");
        }
        lake
    }

    /// Every row's text as coded, through [`Coded::lookup`].
    fn coded_texts(coded: &Coded) -> Vec<Option<String>> {
        coded.lookup(|t| Some(t.to_owned())).collect()
    }

    /// Every row's text as Polars' scan reads it.
    fn scanned(lake: &Path) -> Vec<Option<String>> {
        let df = scan_or_empty(lake, Table::Savings)
            .expect("scan")
            .select([col("fund_id")])
            .collect()
            .expect("collected");
        let texts = df.column("fund_id").expect("column").str().expect("texts");
        texts.iter().map(|t| t.map(str::to_owned)).collect()
    }

    fn few(n: usize, offset: usize) -> Vec<Option<&'static str>> {
        (0..n)
            .map(|i| [Some("ABH-0001"), None, Some("ABH-0002"), Some("سنجان-۱")][(i + offset) % 4])
            .collect()
    }

    #[test]
    fn a_coded_column_gives_the_scans_texts_in_the_scans_order() {
        // "county=a-b" sorts before "county=a" as texts ('-' < '/') but after it as paths:
        // the scan takes the texts' order.
        let lake = lake_of(&[
            ("a", vec![few(40, 0), few(24, 1)]),
            ("a-b", vec![few(30, 2)]),
            ("zanjan", vec![few(8, 3), few(12, 0), few(4, 2)]),
        ]);
        let coded = Coded::read(lake.path(), Table::Savings, "fund_id").expect("coded");
        assert_eq!(coded.rows(), 40 + 24 + 30 + 8 + 12 + 4);
        assert_eq!(coded.groups.len(), 6);
        let texts = coded_texts(&coded);
        assert_eq!(texts, scanned(lake.path()));
        assert!(texts.iter().any(Option::is_none));
    }

    #[test]
    fn lookup_calls_find_once_per_distinct_text_of_a_row_group() {
        let lake = lake_of(&[("abhar", vec![few(400, 0), few(400, 1)])]);
        let coded = Coded::read(lake.path(), Table::Savings, "fund_id").expect("coded");
        let mut calls = 0;
        let found: Vec<Option<usize>> = coded
            .lookup(|t| {
                calls += 1;
                (t != "ABH-0002").then_some(t.len())
            })
            .collect();
        assert_eq!(found.len(), 800);
        assert_eq!(found[0], Some(8));
        assert_eq!(found[1], None, "a blank row");
        assert_eq!(found[2], None, "a text not found");
        drop(found);
        assert_eq!(calls, 3 * 2, "three texts in each of two row groups");
    }

    #[test]
    fn a_column_written_plain_or_not_of_texts_is_not_read_coded() {
        // All-distinct texts (more than 128 rows) are written plain in the second row group.
        let distinct: Vec<Option<&'static str>> = (0..200)
            .map(|i| Some(&*format!("loan-{i:04}").leak()))
            .collect();
        let lake = lake_of(&[("abhar", vec![few(100, 0), distinct])]);
        assert!(Coded::read(lake.path(), Table::Savings, "fund_id").is_none());
        let lake = lake_of(&[("abhar", vec![few(10, 0)])]);
        assert!(Coded::read(lake.path(), Table::Savings, "amount").is_none());
        assert!(Coded::read(lake.path(), Table::Savings, "no_such_column").is_none());
        assert!(
            Coded::read(lake.path(), Table::Loans, "fund_id").is_none(),
            "no table"
        );
    }

    #[test]
    fn bytes_that_are_not_texts_are_left_to_the_scan() {
        // The same few values, as texts and as bytes (which the scan reads as binary).
        let lake = tempfile::tempdir().expect("temp dir");
        let path = lake.path().join("savings/county=abhar/part-0.parquet");
        let bytes: Vec<&[u8]> = vec![b"ABH-0001", b"ABH-0002", b"ABH-0001"];
        let texts = ["ABH-0001", "ABH-0002", "ABH-0001"];
        let mut df = df!("fund_id" => bytes, "kind" => texts).expect("frame");
        crate::lake::write_parquet(&path, &mut df).expect("written");
        assert!(Coded::read(lake.path(), Table::Savings, "fund_id").is_none());
        let kind = Coded::read(lake.path(), Table::Savings, "kind").expect("coded");
        let read: Vec<Option<String>> = coded_texts(&kind);
        assert_eq!(read, texts.map(|t| Some(t.to_owned())));
    }

    #[test]
    fn a_damaged_dictionary_panics_nowhere() {
        let lake = lake_of(&[("abhar", vec![few(300, 0), few(200, 1)])]);
        let path = lake.path().join("savings/county=abhar/part-0.parquet");
        let whole = std::fs::read(&path).expect("read");
        let footer = read_metadata(&mut std::io::Cursor::new(&whole)).expect("footer");
        let chunk = footer.row_groups[0]
            .columns_under_root_iter("fund_id")
            .and_then(|mut c| c.next())
            .expect("fund_id");
        let dictionary = chunk.dictionary_page_offset().expect("a dictionary page") as usize;
        let data = chunk.data_page_offset() as usize;
        // Every byte of the dictionary page's compressed texts in turn set to 0xFF, then to 0
        // (its header, the first bytes, is left alone: a page header that declares billions of
        // values makes Polars' decoder abort on the allocation, in its scan as here).
        assert!(data > dictionary + 24, "a dictionary page of some bytes");
        for at in dictionary + 24..data {
            for value in [0xFF, 0] {
                let mut damaged = whole.clone();
                damaged[at] = value;
                std::fs::write(&path, &damaged).expect("written");
                if let Some(coded) = Coded::read(lake.path(), Table::Savings, "fund_id") {
                    assert_eq!(coded.rows(), 500);
                }
            }
        }
    }

    #[test]
    fn a_hidden_entry_or_a_damaged_file_leaves_the_column_to_the_scan() {
        let lake = lake_of(&[("abhar", vec![few(10, 0)]), ("tarom", vec![few(10, 1)])]);
        assert!(Coded::read(lake.path(), Table::Savings, "fund_id").is_some());
        let hidden = lake.path().join("savings").join(".leftover");
        std::fs::write(&hidden, b"x").expect("written");
        assert!(Coded::read(lake.path(), Table::Savings, "fund_id").is_none());
        std::fs::remove_file(&hidden).expect("removed");
        // Every cut of a file: no panic, and nothing read coded.
        let path = lake.path().join("savings/county=tarom/part-0.parquet");
        let whole = std::fs::read(&path).expect("read");
        for cut in (0..whole.len()).step_by(7) {
            std::fs::write(&path, &whole[..cut]).expect("cut");
            assert!(Coded::read(lake.path(), Table::Savings, "fund_id").is_none());
        }
    }
}
