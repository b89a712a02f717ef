//! Training courses: count, participants and participant-hours of the courses started in a
//! quarter. A course with a fund counts for the fund, its county and the province; one with only
//! a county for that county (when its row exists) and the province; one with neither for the
//! province alone.

use super::periods::with_quarter;
use crate::schema::PROVINCE_PARTITION;
use polars::prelude::*;

/// The three training flow columns.
pub const COLUMNS: [&str; 3] = [
    "trainings_q",
    "training_participants_q",
    "training_participant_hours_q",
];

fn aggs() -> [Expr; 3] {
    [
        len().cast(DataType::Int64).alias(COLUMNS[0]),
        col("participants").sum().alias(COLUMNS[1]),
        (col("participants") * col("hours").fill_null(lit(0i64).cast(DataType::Int64)))
            .sum()
            .alias(COLUMNS[2]),
    ]
}

/// Courses of the run's quarters: fund_id, county, qi, participants, hours.
pub fn courses(trainings: LazyFrame, days: &LazyFrame) -> LazyFrame {
    let t = trainings.select([
        col("fund_id"),
        col("county"),
        col("started_on"),
        col("participants"),
        col("hours"),
    ]);
    with_quarter(t, "started_on", "qi", days).filter(col("qi").gt_eq(lit(0)))
}

/// Flows per (fund_id, qi) of courses with a fund.
pub fn by_fund(courses: &LazyFrame) -> LazyFrame {
    courses
        .clone()
        .filter(col("fund_id").is_not_null())
        .group_by([col("fund_id"), col("qi")])
        .agg(aggs())
}

/// Flows per (county, qi) of courses with a county and no fund.
pub fn county_only(courses: &LazyFrame) -> LazyFrame {
    courses
        .clone()
        .filter(
            col("fund_id")
                .is_null()
                .and(col("county").neq(lit(PROVINCE_PARTITION))),
        )
        .group_by([col("county"), col("qi")])
        .agg(aggs())
}

/// Flows per qi of every course (the province's figures).
pub fn all(courses: &LazyFrame) -> LazyFrame {
    courses.clone().group_by([col("qi")]).agg(aggs())
}
