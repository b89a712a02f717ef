//! A slice of a table's rows as the lake writer takes them ([`super::ParquetFile`]), and its
//! encoding into the pages of one Parquet row group.
//!
//! A text column may come as its distinct texts and, per row, the place of its text among them
//! ([`SliceColumn::Text`]): the builder of the rows knows those already. It is written as a
//! dictionary page of those texts and the rows' places, which is what Polars' writer makes of a
//! text column when it finds few distinct texts: but to find that out Polars estimates every
//! text column's distinct count and then hashes every row's text into a dictionary, a quarter
//! of the time the lake took to write at scale 1. A column with more distinct texts than
//! three quarters of its rows is written plain, as Polars writes it. Either way the file holds
//! the same texts in the same rows, under the same schema (the texts' type is `String`): the
//! dictionary is how the file stores them, not what a reader gets back.
//!
//! Every other column is encoded as Polars' writer encodes it (its own choice of encoding per
//! type), with Polars' default statistics.

use polars::prelude::*;
use polars_arrow::array::{
    Array, DictionaryArray, MutableBinaryViewArray, PrimitiveArray, Utf8ViewArray,
};
use polars_arrow::datatypes::{ArrowDataType, IntegerType};
use polars_parquet::parquet::compression::Compression;
use polars_parquet::parquet::page::{CompressedDictPage, DataPageHeader};
use polars_parquet::parquet::CowBuffer;
use polars_parquet::write::{
    array_to_columns, compress, get_dtype_encoding, CompressedDataPage, CompressedPage,
    CompressionOptions, Encoding, Page, ParquetType, StatisticsOptions, Version, WriteOptions,
};

/// One column of a slice of rows.
#[derive(Debug, Clone)]
pub enum SliceColumn<'a> {
    /// Any column, as Polars holds it.
    Plain(Column),
    /// A text column: its distinct texts, and per row the place of its text among them
    /// (`None`: null). A text listed twice is allowed (each row reads the one it points at),
    /// though [`SliceColumn::texts`] and [`SliceColumn::of_names`] list each once.
    Text {
        /// The column's name.
        name: PlSmallStr,
        /// The texts the rows point at.
        distinct: Vec<&'a str>,
        /// Per row, its text's place in `distinct`.
        at: Vec<Option<u32>>,
    },
}

impl<'a> SliceColumn<'a> {
    /// A text column of `texts`, one per row, each distinct text listed once in the order the
    /// rows first hold it (as Polars' writer lists them). A row holding the very copy of the
    /// row before's text (a ledger lists a fund's or a loan's rows together, and their rows
    /// share one copy of a repeated id or name) is told so by its address alone; only when the
    /// text changes is it looked up by its content.
    pub fn texts(
        name: PlSmallStr,
        texts: impl Iterator<Item = Option<&'a str>>,
    ) -> SliceColumn<'a> {
        let mut distinct: Vec<&str> = Vec::new();
        let mut place: rustc_hash::FxHashMap<&str, u32> = Default::default();
        let mut last: Option<(*const u8, usize, u32)> = None;
        let at: Vec<Option<u32>> = texts
            .map(|text| {
                let text = text?;
                if let Some((_, _, i)) =
                    last.filter(|&(at, len, _)| at == text.as_ptr() && len == text.len())
                {
                    return Some(i);
                }
                let i = *place.entry(text).or_insert_with(|| {
                    distinct.push(text);
                    // A slice holds far fewer than u32::MAX rows.
                    u32::try_from(distinct.len() - 1).unwrap_or(u32::MAX)
                });
                last = Some((text.as_ptr(), text.len(), i));
                Some(i)
            })
            .collect();
        SliceColumn::Text { name, distinct, at }
    }

    /// A text column whose rows each take one of `names` (`None`: null; a place past the
    /// names is null too). Only the names the rows use are listed, in the order the rows first
    /// use them, as Polars' writer lists a column's distinct texts.
    pub fn of_names(
        name: PlSmallStr,
        names: &[&'a str],
        rows: impl Iterator<Item = Option<usize>>,
    ) -> SliceColumn<'a> {
        let mut listed: Vec<Option<u32>> = vec![None; names.len()];
        let mut distinct: Vec<&str> = Vec::new();
        let at = rows
            .map(|n| {
                let n = n?;
                let text = *names.get(n)?;
                let slot = listed.get_mut(n)?;
                Some(*slot.get_or_insert_with(|| {
                    distinct.push(text);
                    u32::try_from(distinct.len() - 1).unwrap_or(u32::MAX)
                }))
            })
            .collect();
        SliceColumn::Text { name, distinct, at }
    }

    /// The column's name.
    pub fn name(&self) -> &PlSmallStr {
        match self {
            SliceColumn::Plain(c) => c.name(),
            SliceColumn::Text { name, .. } => name,
        }
    }

    /// The column's type in the file.
    pub fn dtype(&self) -> DataType {
        match self {
            SliceColumn::Plain(c) => c.dtype().clone(),
            SliceColumn::Text { .. } => DataType::String,
        }
    }

    /// Rows in the column.
    pub fn len(&self) -> usize {
        match self {
            SliceColumn::Plain(c) => c.len(),
            SliceColumn::Text { at, .. } => at.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column as Arrow holds it, and the encodings to write it with.
    fn to_arrow(&self) -> PolarsResult<(Box<dyn Array>, Vec<Encoding>)> {
        match self {
            SliceColumn::Plain(c) => {
                let array = c
                    .as_materialized_series()
                    .rechunk()
                    .to_arrow(0, CompatLevel::newest());
                let encodings = get_dtype_encoding(array.dtype());
                Ok((array, encodings))
            }
            SliceColumn::Text { distinct, at, .. } => {
                if worth_a_dictionary(distinct.len(), at.len()) {
                    let values = Utf8ViewArray::from_slice_values(distinct);
                    let keys = PrimitiveArray::<u32>::from(at.as_slice());
                    let dtype = ArrowDataType::Dictionary(
                        IntegerType::UInt32,
                        Box::new(ArrowDataType::Utf8View),
                        false,
                    );
                    // Fails (never panics) on a place past the texts.
                    let array = DictionaryArray::try_new(dtype, keys, values.boxed())?;
                    Ok((array.boxed(), vec![Encoding::RleDictionary]))
                } else {
                    let mut rows = MutableBinaryViewArray::<str>::with_capacity(at.len());
                    for a in at {
                        match a.map(|i| distinct.get(i as usize)) {
                            None => rows.push_null(),
                            Some(Some(text)) => rows.push_value(text),
                            Some(None) => polars_bail!(
                                OutOfBounds: "a row points at text {} of {}", a.unwrap_or_default(), distinct.len()
                            ),
                        }
                    }
                    let rows: Utf8ViewArray = rows.into();
                    Ok((rows.boxed(), vec![Encoding::Plain]))
                }
            }
        }
    }
}

/// Whether a text column of `rows` rows and `distinct` texts is written as a dictionary: Polars'
/// own rule (at most 128 rows, or distinct texts at most three quarters of the rows).
fn worth_a_dictionary(distinct: usize, rows: usize) -> bool {
    rows <= 128 || distinct * 4 <= rows * 3
}

/// Rows Polars' writer aims to put in a row group when it writes a whole frame.
const ROW_GROUP_ROWS: usize = 512 * 512;

/// The row groups Polars' writer makes of a frame of `rows` rows in one chunk, for a caller
/// that writes a whole table slice by slice and wants the file Polars would write: all rows in one
/// group below twice [`ROW_GROUP_ROWS`]; past that, `rows / ROW_GROUP_ROWS` groups of equal
/// size, the last taking the remainder too (2.75M rows at scale 10: ten groups of 274,928).
pub fn row_groups(rows: usize) -> Vec<std::ops::Range<usize>> {
    let groups = rows / ROW_GROUP_ROWS;
    if groups <= 1 {
        return std::iter::once(0..rows).collect();
    }
    let size = rows / groups;
    (0..groups)
        .map(|g| {
            g * size..if g + 1 == groups {
                rows
            } else {
                (g + 1) * size
            }
        })
        .collect()
}

/// The schema of a slice's columns.
pub fn schema(columns: &[SliceColumn]) -> Schema {
    columns
        .iter()
        .map(|c| Field::new(c.name().clone(), c.dtype()))
        .collect()
}

/// The options every page is written with: Polars' writer's, with `compression`.
pub(super) fn options(compression: CompressionOptions) -> WriteOptions {
    WriteOptions {
        statistics: StatisticsOptions::default(),
        compression,
        version: Version::V1,
        data_page_size: None,
    }
}

/// Compresses a file's pages. For zstd, one context serves every page: Polars' writer makes a
/// fresh one per page (a thousand or so per lake at scale 1, each allocated and set up anew).
/// The compressed bytes are the same either way. Other codecs, and pages of a kind this does
/// not expect, go through Polars' own `compress`.
pub(super) struct PageCompressor {
    compression: CompressionOptions,
    zstd: Option<zstd::bulk::Compressor<'static>>,
}

impl PageCompressor {
    /// A compressor for `compression`.
    pub(super) fn new(compression: CompressionOptions) -> PageCompressor {
        let zstd = match compression {
            // Polars' writer: no level given is zstd's default (0).
            CompressionOptions::Zstd(level) => {
                zstd::bulk::Compressor::new(level.map_or(0, |l| l.compression_level())).ok()
            }
            _ => None,
        };
        PageCompressor { compression, zstd }
    }

    fn compress(&mut self, page: Page) -> PolarsResult<CompressedPage> {
        let Some(zstd) = self.zstd.as_mut() else {
            return Ok(compress(page, Vec::new(), self.compression)?);
        };
        match page {
            Page::Data(data) => match (data.header(), data.num_rows) {
                (DataPageHeader::V1(_), Some(rows)) => {
                    let bytes = zstd.compress(data.buffer())?;
                    Ok(CompressedPage::Data(CompressedDataPage::new(
                        data.header().clone(),
                        CowBuffer::Owned(bytes),
                        Compression::Zstd,
                        data.buffer().len(),
                        data.descriptor.clone(),
                        rows,
                    )))
                }
                _ => Ok(compress(Page::Data(data), Vec::new(), self.compression)?),
            },
            Page::Dict(dict) => {
                let bytes = zstd.compress(&dict.buffer)?;
                Ok(CompressedPage::Dict(CompressedDictPage::new(
                    CowBuffer::Owned(bytes),
                    Compression::Zstd,
                    dict.buffer.len(),
                    dict.num_values,
                    dict.is_sorted,
                )))
            }
        }
    }
}

/// The compressed pages of one row group holding `columns`, whose Parquet types are `types`
/// (the file's fields, in order).
pub(super) fn row_group(
    columns: &[SliceColumn],
    types: &[ParquetType],
    options: WriteOptions,
    compressor: &mut PageCompressor,
) -> PolarsResult<Vec<Vec<CompressedPage>>> {
    check_shape(columns, types)?;
    let mut pages = Vec::with_capacity(columns.len());
    for (column, type_) in columns.iter().zip(types) {
        pages.extend(column_pages(column, type_, options, compressor)?);
    }
    Ok(pages)
}

/// [`row_group`] with the columns encoded and compressed on every core (a compressor for
/// each task), in the file's order: the same pages.
pub(super) fn row_group_side_by_side(
    columns: &[SliceColumn],
    types: &[ParquetType],
    options: WriteOptions,
) -> PolarsResult<Vec<Vec<CompressedPage>>> {
    use rayon::prelude::*;
    check_shape(columns, types)?;
    // The decimal columns, the longest to encode (the indicators' figures: ~15 ms each at
    // scale 1, where a text or date column takes ~2 ms), are started first, so that the last
    // to finish is a short one; the pages are put back in the columns' order.
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| !matches!(columns[i].dtype(), DataType::Decimal(_, _)));
    let mut per_column: Vec<(usize, PolarsResult<Vec<Vec<CompressedPage>>>)> = order
        .par_iter()
        // Each column a task of its own: a parallel iterator splits its items in halves only
        // as far as other cores steal them, and the indicators' ten columns, written beside
        // the CSV, were all encoded on one core (~50 ms) while the other wrote the CSV.
        .with_max_len(1)
        .map_init(
            || PageCompressor::new(options.compression),
            |compressor, &i| (i, column_pages(&columns[i], &types[i], options, compressor)),
        )
        .collect();
    per_column.sort_by_key(|(i, _)| *i);
    let per_column = per_column.into_iter().map(|(_, p)| p);
    let mut pages = Vec::with_capacity(columns.len());
    for column in per_column {
        pages.extend(column?);
    }
    Ok(pages)
}

/// An error unless `columns` fit `types` and have as many rows each.
fn check_shape(columns: &[SliceColumn], types: &[ParquetType]) -> PolarsResult<()> {
    if columns.len() != types.len() {
        polars_bail!(ShapeMismatch: "a slice of {} columns for a file of {}", columns.len(), types.len());
    }
    let rows = columns.first().map_or(0, SliceColumn::len);
    if let Some(other) = columns.iter().find(|c| c.len() != rows) {
        polars_bail!(ShapeMismatch: "column {} has {} rows, the slice {}", other.name(), other.len(), rows);
    }
    Ok(())
}

/// The compressed pages of one column of a row group, a list per leaf.
fn column_pages(
    column: &SliceColumn,
    type_: &ParquetType,
    options: WriteOptions,
    compressor: &mut PageCompressor,
) -> PolarsResult<Vec<Vec<CompressedPage>>> {
    let (array, encodings) = column.to_arrow()?;
    array_to_columns(array, type_.clone(), options, &encodings)?
        .into_iter()
        .map(|leaf| leaf.map(|page| compressor.compress(page?)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::ParquetFile;
    use super::*;

    /// The rows of `texts` as a [`SliceColumn::Text`], each distinct text listed once (and
    /// "b" twice, held in two places), so the writer's dictionary is the builder's own.
    fn text(name: &str, texts: &[Option<&'static str>]) -> SliceColumn<'static> {
        let mut distinct: Vec<&'static str> = Vec::new();
        let at = texts
            .iter()
            .enumerate()
            .map(|(row, t)| {
                let t = (*t)?;
                let listed = distinct.iter().position(|d| *d == t);
                // Every other row of "b" points at a second listing of it.
                let i = match listed {
                    Some(i) if !(t == "b" && row % 2 == 1) => i,
                    _ => {
                        distinct.push(t);
                        distinct.len() - 1
                    }
                };
                u32::try_from(i).ok()
            })
            .collect();
        SliceColumn::Text {
            name: name.into(),
            distinct,
            at,
        }
    }

    /// Writes `slices` (of one schema) into a file and reads it back.
    fn round_trip(slices: &[Vec<SliceColumn>]) -> (DataFrame, Vec<bool>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t").join("part-0.parquet");
        let mut file = ParquetFile::create(&path, &schema(&slices[0])).expect("created");
        for s in slices {
            file.write(s).expect("written");
        }
        file.finish().expect("finished");
        let read = ParquetReader::new(std::fs::File::open(&path).expect("opened"))
            .finish()
            .expect("read");
        let meta = std::fs::read(&path).expect("bytes");
        // Whether each column of the first row group has a dictionary page.
        let footer = polars_parquet::parquet::read::read_metadata(&mut std::io::Cursor::new(meta))
            .expect("footer");
        let dictionary = footer.row_groups[0]
            .parquet_columns()
            .iter()
            .map(|c| c.dictionary_page_offset().is_some())
            .collect();
        (read, dictionary)
    }

    #[test]
    fn text_columns_read_back_as_the_rows_texts_whether_dictionary_or_plain() {
        // 200 rows of few texts (a dictionary) and 200 of all-distinct texts (plain), with nulls.
        let few: Vec<Option<&'static str>> = (0..200)
            .map(|i| [Some("a"), Some("b"), None, Some("سنجان")][i % 4])
            .collect();
        let many: Vec<Option<&'static str>> = (0..200)
            .map(|i| (i % 7 != 3).then(|| &*format!("loan-{i:04}").leak()))
            .collect();
        let rows: Vec<i64> = (0..200).collect();
        let slice = vec![
            text("few", &few),
            text("many", &many),
            SliceColumn::Plain(Series::new("row".into(), rows.clone()).into_column()),
        ];
        let (read, dictionary) = round_trip(&[slice.clone(), slice]);
        assert_eq!(read.height(), 400);
        let strings = |name: &str| -> Vec<Option<String>> {
            let texts = read.column(name).expect("column").str().expect("strings");
            (0..texts.len())
                .map(|i| texts.get(i).map(str::to_owned))
                .collect()
        };
        let twice = |v: &[Option<&str>]| -> Vec<Option<String>> {
            v.iter()
                .chain(v.iter())
                .map(|s| s.map(str::to_owned))
                .collect()
        };
        assert_eq!(strings("few"), twice(&few));
        assert_eq!(strings("many"), twice(&many));
        assert_eq!(read.schema().get("few"), Some(&DataType::String));
        assert_eq!(dictionary, [true, false, true]);
    }

    #[test]
    fn a_slice_of_another_shape_than_its_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("part-0.parquet");
        let two = vec![text("a", &[Some("x")]), text("b", &[Some("y")])];
        let mut file = ParquetFile::create(&path, &schema(&two)).expect("created");
        let e = file
            .write(&two[..1])
            .expect_err("one column for a file of two");
        assert!(e.to_string().contains("part-0.parquet"), "{e}");
        let uneven = vec![text("a", &[Some("x"), Some("y")]), text("b", &[Some("y")])];
        let e = file.write(&uneven).expect_err("columns of 2 and 1 rows");
        assert!(e.to_string().contains("column b has 1 rows"), "{e}");
    }
    /// A file written from slices (the sink's dictionaries, one zstd context) holds the same
    /// bytes as Polars' own writer makes of the same rows.
    #[test]
    fn a_file_of_slices_is_byte_for_byte_what_polars_writes_of_the_same_rows() {
        let few: Vec<Option<&'static str>> = (0..5000)
            .map(|i| [Some("fund-1"), Some("fund-2"), None, Some("زنجان")][i % 4])
            .collect();
        let amounts: Vec<Option<i64>> = (0..5000)
            .map(|i| (i % 9 != 0).then_some(i64::from(i) * 1_000_003))
            .collect();
        // More columns than the pool has threads, for the side-by-side writer.
        let counties: Vec<Option<&'static str>> = (0..5000)
            .map(|i| [Some("abhar"), Some("tarom")][i / 2500])
            .collect();
        let paid: Vec<Option<i64>> = amounts.iter().rev().copied().collect();
        // A decimal column among the others: the side-by-side writer starts it first and puts
        // its pages back in place.
        let share = || {
            Int128Chunked::from_iter_options(
                "share".into(),
                amounts.iter().map(|a| a.map(|a| i128::from(a) * 7)),
            )
            .into_decimal(38, 4)
            .expect("decimal")
            .into_series()
            .into_column()
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let polars = dir.path().join("polars.parquet");
        let mut frame = DataFrame::new(
            5000,
            vec![
                Series::new("fund_id".into(), &few).into_column(),
                Series::new("amount".into(), &amounts).into_column(),
                share(),
                Series::new("county".into(), &counties).into_column(),
                Series::new("paid".into(), &paid).into_column(),
            ],
        )
        .expect("frame");
        super::super::write_parquet(&polars, &mut frame).expect("written by Polars");
        let slice = vec![
            text("fund_id", &few),
            SliceColumn::Plain(Series::new("amount".into(), &amounts).into_column()),
            SliceColumn::Plain(share()),
            text("county", &counties),
            SliceColumn::Plain(Series::new("paid".into(), &paid).into_column()),
        ];
        let bytes = |p: &std::path::Path| std::fs::read(p).expect("read");
        // Written on this thread, and with the columns encoded side by side on every core.
        for side_by_side in [false, true] {
            let ours = dir.path().join(format!("ours-{side_by_side}.parquet"));
            let mut file = ParquetFile::create(&ours, &schema(&slice)).expect("created");
            if side_by_side {
                file.write_side_by_side(&slice).expect("written");
            } else {
                file.write(&slice).expect("written");
            }
            file.finish().expect("finished");
            assert!(
                bytes(&polars) == bytes(&ours),
                "the two files differ (side by side: {side_by_side})"
            );
        }
    }

    /// Each distinct text is listed once, in the order the rows first hold it, whether the rows
    /// share one copy of it or hold copies of their own; names the rows never take are not
    /// listed, and a place past the names is null.
    #[test]
    fn distinct_texts_are_listed_once_in_first_use_order() {
        let (a1, a2) = (String::from("ABH-0001"), String::from("ABH-0001"));
        let b = String::from("ZNJ-0060");
        let rows = [
            Some(&*b),
            Some(&*a1),
            Some(&*a1),
            None,
            Some(&*a2),
            Some(&*b),
        ];
        let SliceColumn::Text { distinct, at, .. } =
            SliceColumn::texts("fund_id".into(), rows.into_iter())
        else {
            panic!("a text column");
        };
        assert_eq!(distinct, ["ZNJ-0060", "ABH-0001"]);
        assert_eq!(at, [Some(0), Some(1), Some(1), None, Some(1), Some(0)]);

        let names = ["county", "fund", "province"];
        let rows = [Some(2), Some(1), Some(2), None, Some(7), Some(1)];
        let SliceColumn::Text { distinct, at, .. } =
            SliceColumn::of_names("level".into(), &names, rows.into_iter())
        else {
            panic!("a text column");
        };
        assert_eq!(distinct, ["province", "fund"]);
        assert_eq!(at, [Some(0), Some(1), Some(0), None, None, Some(1)]);
    }

    /// The groups are Polars' own (checked byte for byte against its writer at scales 1 and
    /// 10), cover every row once and in order.
    #[test]
    fn row_groups_split_a_table_as_polars_splits_a_frame() {
        let bounds = |rows| -> Vec<(usize, usize)> {
            row_groups(rows).iter().map(|g| (g.start, g.end)).collect()
        };
        assert_eq!(bounds(0), [(0, 0)]);
        assert_eq!(bounds(277_984), [(0, 277_984)]);
        assert_eq!(bounds(524_287), [(0, 524_287)]);
        assert_eq!(bounds(524_289), [(0, 262_144), (262_144, 524_289)]);
        let ten = row_groups(2_749_280);
        assert_eq!(ten.len(), 10);
        assert!(ten.iter().all(|g| g.len() == 274_928), "{ten:?}");
        for rows in [1, 262_143, 786_433, 5_000_001] {
            let groups = row_groups(rows);
            assert_eq!(groups.first().map(|g| g.start), Some(0));
            assert_eq!(groups.last().map(|g| g.end), Some(rows));
            assert!(
                groups.windows(2).all(|w| w[0].end == w[1].start),
                "{groups:?}"
            );
        }
    }
}
