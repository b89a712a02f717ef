//! Funds and members: active members, households, disability, gender, joins and leaves.
//!
//! A member is active in the quarters [start, end): start is the quarter of joined_on (clamped
//! to the first quarter), end the quarter of left_on (a member who leaves on D is no longer
//! active at D). Stocks are running sums of +1/−1 events, so adding quarters adds no work per
//! member.

use super::periods::{clamp0, grouped_cum_sum, grouped_previous, with_quarter};
use polars::prelude::*;

/// Members with their active interval: fund_id, member_id, household_id, gender,
/// has_disability, joined quarter `qj` (raw), left quarter `ql` (raw), `start`, `end` (null: open).
pub fn intervals(members: LazyFrame, days: &LazyFrame) -> LazyFrame {
    let m = members.select([
        col("fund_id"),
        col("member_id"),
        col("household_id"),
        col("gender"),
        col("has_disability"),
        col("joined_on"),
        col("left_on"),
    ]);
    let m = with_quarter(m, "joined_on", "qj", days);
    let m = with_quarter(m, "left_on", "ql", days);
    m.filter(col("qj").is_not_null()).with_columns([
        clamp0(col("qj")).alias("start"),
        clamp0(col("ql")).alias("end"),
    ])
}

/// +1 at start and −1 at end for intervals that hold at least one quarter end, with the
/// extra columns `keep` carried along.
pub fn interval_events(iv: LazyFrame, keep: &[&str]) -> PolarsResult<LazyFrame> {
    let valid = iv.filter(col("end").is_null().or(col("end").gt(col("start"))));
    let mut cols_start: Vec<Expr> = keep.iter().map(|k| col(*k)).collect();
    let mut cols_end = cols_start.clone();
    cols_start.extend([
        col("start").alias("qi"),
        lit(1i64).cast(DataType::Int64).alias("delta"),
    ]);
    cols_end.extend([
        col("end").alias("qi"),
        lit(-1i64).cast(DataType::Int64).alias("delta"),
    ]);
    let starts = valid.clone().select(cols_start);
    let ends = valid.filter(col("end").is_not_null()).select(cols_end);
    concat([starts, ends], UnionArgs::default())
}

/// Running-sum deltas per (fund_id, qi): members_active, members_with_disability,
/// members_female, members_gender_known.
pub fn deltas(iv: &LazyFrame) -> PolarsResult<LazyFrame> {
    let ev = interval_events(iv.clone(), &["fund_id", "gender", "has_disability"])?;
    let d = col("delta");
    Ok(ev.group_by([col("fund_id"), col("qi")]).agg([
        d.clone().sum().alias("members_active"),
        (d.clone()
            * col("has_disability")
                .fill_null(lit(false))
                .cast(DataType::Int64))
        .sum()
        .alias("members_with_disability"),
        (d.clone()
            * col("gender")
                .eq(lit("female"))
                .fill_null(lit(false))
                .cast(DataType::Int64))
        .sum()
        .alias("members_female"),
        (d * col("gender").is_not_null().cast(DataType::Int64))
            .sum()
            .alias("members_gender_known"),
    ]))
}

/// Flows per (fund_id, qi): members_joined_q, members_left_q.
pub fn flows(iv: &LazyFrame) -> PolarsResult<LazyFrame> {
    let joined = iv.clone().filter(col("qj").gt_eq(lit(0))).select([
        col("fund_id"),
        col("qj").alias("qi"),
        lit(1i64).cast(DataType::Int64).alias("j"),
        lit(0i64).cast(DataType::Int64).alias("l"),
    ]);
    let left = iv.clone().filter(col("ql").gt_eq(lit(0))).select([
        col("fund_id"),
        col("ql").alias("qi"),
        lit(0i64).cast(DataType::Int64).alias("j"),
        lit(1i64).cast(DataType::Int64).alias("l"),
    ]);
    Ok(concat([joined, left], UnionArgs::default())?
        .group_by([col("fund_id"), col("qi")])
        .agg([
            col("j").sum().alias("members_joined_q"),
            col("l").sum().alias("members_left_q"),
        ]))
}

/// Deltas of households_active per (fund_id, qi). A household (fund_id, household_id, or the
/// member alone) is active while it has an active member: its member count is a running sum,
/// and the fund's count changes when a household's count moves between 0 and above 0.
pub fn household_deltas(iv: &LazyFrame) -> PolarsResult<LazyFrame> {
    let keyed = iv.clone().with_columns([
        col("household_id").alias("hh"),
        when(col("household_id").is_null())
            .then(col("member_id"))
            .otherwise(lit(""))
            .alias("hh_member"),
    ]);
    let ev = interval_events(keyed, &["fund_id", "hh", "hh_member"])?;
    let key = [col("fund_id"), col("hh"), col("hh_member")];
    Ok(state_changes(ev, &key, &[("delta", "active")])?
        .group_by([col("fund_id"), col("qi")])
        .agg([col("change").sum().alias("households_active")]))
}

/// For entities keyed by `key` with +/− event columns, the change (+1/−1/0) at each event
/// quarter of the flag "every running sum in `sums` is above 0". Returns fund_id, qi, change.
pub fn state_changes(
    ev: LazyFrame,
    key: &[Expr],
    sums: &[(&str, &str)],
) -> PolarsResult<LazyFrame> {
    let mut group_keys = key.to_vec();
    group_keys.push(col("qi"));
    let summed = ev
        .group_by(group_keys)
        .agg(sums.iter().map(|(d, _)| col(*d).sum()).collect::<Vec<_>>());
    let mut sort_by: Vec<PlSmallStr> = Vec::new();
    for k in key {
        if let Expr::Column(name) = k {
            sort_by.push(name.clone());
        }
    }
    sort_by.push("qi".into());
    let sorted = summed.sort(sort_by.clone(), SortMultipleOptions::default());
    let names: Vec<&str> = sort_by[..sort_by.len() - 1]
        .iter()
        .map(|n| n.as_str())
        .collect();
    let running: Vec<Expr> = sums
        .iter()
        .map(|(d, running)| grouped_cum_sum(col(*d), &names).alias(*running))
        .collect();
    let mut on = lit(true);
    for (_, running) in sums {
        on = on.and(col(*running).gt(lit(0)));
    }
    Ok(sorted
        .with_columns(running)
        .with_column(on.cast(DataType::Int64).alias("flag"))
        .with_column(
            (col("flag")
                - grouped_previous(col("flag"), &names).fill_null(lit(0i64).cast(DataType::Int64)))
            .alias("change"),
        )
        .select([col("fund_id"), col("qi"), col("change")]))
}
