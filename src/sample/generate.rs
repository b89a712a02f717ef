//! Generates the canonical province: which funds exist and when, the Omid financing of each,
//! and the training courses. Members and their ledgers come from [`super::ledgers`].
//!
//! At scale 1 the seed article's facts hold for every seed: 20 funds by 1399/07/23 in the seven
//! named counties, the 20th founded in Mehr 1399; 9,000,000,000 rials of financing by then; no
//! fund and no financing from 1399/07/24 to 1399/09/30; the two disability funds founded in 1400
//! in Zanjan and Khorramdarreh; Khodabandeh's first fund in 1402.

use super::dates::{add_days, between, jd, ARTICLE, FIRST_FUND, LEDGER_END};
use super::ledgers;
use super::model::{County, Course, Financing, Fund, FundType, Province, Training};
use super::names;
use super::rng::Rng;
use crate::calendar::JalaliDate;

/// Funds per county founded by the article day (scale 1): 20 in all.
const SEED_FUNDS: [(County, usize); 7] = [
    (County::Zanjan, 5),
    (County::Abhar, 3),
    (County::Khorramdarreh, 3),
    (County::Tarom, 3),
    (County::Mahneshan, 2),
    (County::Soltaniyeh, 2),
    (County::Ijrud, 2),
];

/// Funds founded after the article (scale 1): (county, year, type, kept at any scale).
const LATER_FUNDS: [(County, i32, FundType, bool); 13] = [
    (County::Zanjan, 1400, FundType::Women, false),
    (County::Abhar, 1400, FundType::Women, false),
    (County::Zanjan, 1400, FundType::Disability, true),
    (County::Khorramdarreh, 1400, FundType::Disability, true),
    (County::Tarom, 1401, FundType::Women, false),
    (County::Ijrud, 1401, FundType::Women, false),
    (County::Khorramdarreh, 1401, FundType::Women, false),
    (County::Zanjan, 1402, FundType::Women, false),
    (County::Mahneshan, 1402, FundType::Women, false),
    (County::Khodabandeh, 1402, FundType::Women, true),
    (County::Abhar, 1403, FundType::Women, false),
    (County::Soltaniyeh, 1403, FundType::Women, false),
    (County::Khodabandeh, 1403, FundType::Women, false),
];

/// Financing by the article day at scale 1, in units of 50,000,000 rials: 9,000,000,000 rials.
const SEED_FINANCING_UNITS: i64 = 180;
/// One financing unit in rials.
const UNIT: i64 = 50_000_000;

/// `n × scale`, rounded half away from zero.
pub(crate) fn scaled(n: usize, scale: f64) -> usize {
    (n as f64 * scale).round().max(0.0) as usize
}

/// The whole canonical province for (scale, seed), before deliberate mistakes.
pub(crate) fn province(scale: f64, seed: u64) -> Province {
    let mut p = Province {
        funds: plan_funds(scale, seed),
        ..Province::default()
    };
    p.financing = financing(&p.funds, scale, seed);
    ledgers::fill(&mut p, scale, seed);
    p.trainings = trainings(&p.funds, scale, seed);
    p.sort();
    p
}

/// Which funds exist, where and since when, with their codes.
fn plan_funds(scale: f64, seed: u64) -> Vec<Fund> {
    let mut rng = Rng::derive(seed, 1);
    let mut slots: Vec<County> = SEED_FUNDS
        .iter()
        .flat_map(|&(c, n)| std::iter::repeat_n(c, scaled(n, scale).max(1)))
        .collect();
    rng.shuffle(&mut slots);
    let last_before = jd(1399, 6, 31);
    let mut dates: Vec<JalaliDate> = (1..slots.len())
        .map(|_| between(&mut rng, FIRST_FUND, last_before))
        .collect();
    dates.sort();
    // the fund that made twenty: founded in Mehr 1399, on or before the article day
    dates.push(between(&mut rng, jd(1399, 7, 1), jd(1399, 7, 20)));

    let mut plan: Vec<(County, JalaliDate, FundType)> = slots
        .into_iter()
        .zip(dates)
        .map(|(c, d)| (c, d, FundType::Women))
        .collect();
    for &(county, year, fund_type, keep) in &LATER_FUNDS {
        let n = if keep {
            scaled(1, scale).max(1)
        } else {
            scaled(1, scale)
        };
        for _ in 0..n {
            let (from, to) = match fund_type {
                FundType::Disability => (jd(year, 3, 1), jd(year, 9, 30)),
                FundType::Women => (jd(year, 1, 15), jd(year, 12, 15)),
            };
            plan.push((county, between(&mut rng, from, to), fund_type));
        }
    }
    plan.sort_by_key(|&(c, d, _)| (d, c));

    let mut counters = [0usize; 8];
    let mut funds = Vec::with_capacity(plan.len());
    for (county, established, fund_type) in plan {
        let slot = County::ALL.iter().position(|&c| c == county).unwrap_or(0);
        counters[slot] += 1;
        let n = counters[slot];
        let list = names::villages(county);
        let village = list[(n - 1) % list.len()];
        let round = (n - 1) / list.len();
        let village = if round == 0 {
            village.to_string()
        } else {
            format!(
                "{village} {}",
                crate::text::to_persian_digits(&(round + 1).to_string())
            )
        };
        let facilitator = format!("{} {}", rng.pick(names::FEMALE), rng.pick(names::SURNAMES));
        // Zanjan's first fund meets on the last day of the month: it records 1403/12/30.
        let meeting_day = if county == County::Zanjan && n == 1 {
            30
        } else {
            rng.range(1, 28) as u8
        };
        funds.push(Fund {
            id: fund_code(county, n),
            county,
            village,
            fund_type,
            established,
            facilitator,
            meeting_day,
            bad: None,
        });
    }
    funds
}

/// A fund code: the county's two digits and a three-digit serial, `11003`.
pub(crate) fn fund_code(county: County, serial: usize) -> String {
    format!("{}{serial:03}", county.code())
}

/// Omid credit lines: exactly 9e9 rials by the article day at scale 1, none in the quiet
/// weeks after it, more from 1400 on.
fn financing(funds: &[Fund], scale: f64, seed: u64) -> Vec<Financing> {
    let mut rng = Rng::derive(seed, 2);
    let seed_funds: Vec<&Fund> = funds.iter().filter(|f| f.established <= ARTICLE).collect();
    // first tranche for every seed fund, a second for some older ones
    let mut lines: Vec<(usize, JalaliDate)> = Vec::new();
    for (i, f) in seed_funds.iter().enumerate() {
        let from = add_days(f.established, 15).min(ARTICLE);
        let to = add_days(f.established, 150).min(ARTICLE);
        lines.push((i, between(&mut rng, from, to)));
    }
    let mut older: Vec<usize> = (0..seed_funds.len())
        .filter(|&i| seed_funds[i].established <= jd(1398, 12, 29))
        .collect();
    rng.shuffle(&mut older);
    for &i in older.iter().take(scaled(6, scale)) {
        let first = lines[i].1;
        lines.push((
            i,
            between(&mut rng, add_days(first, 60).min(ARTICLE), ARTICLE),
        ));
    }
    let units_total = if scale == 1.0 {
        SEED_FINANCING_UNITS
    } else {
        (SEED_FINANCING_UNITS as f64 * scale).round() as i64
    }
    .max(4 * lines.len() as i64);
    let mut units = vec![4i64; lines.len()];
    for _ in 0..(units_total - 4 * lines.len() as i64) {
        let k = rng.index(units.len());
        units[k] += 1;
    }
    let mut out: Vec<Financing> = lines
        .iter()
        .zip(&units)
        .map(|(&(i, date), &u)| Financing {
            fund_id: seed_funds[i].id.clone(),
            county: seed_funds[i].county,
            date,
            amount: u * UNIT,
            bad: None,
        })
        .collect();

    for f in funds {
        for year in 1400..=1403 {
            if f.established > jd(year, 10, 1) {
                continue;
            }
            let p = match f.fund_type {
                FundType::Disability => 0.7,
                FundType::Women if f.established.year == year => 0.8,
                FundType::Women => 0.35,
            };
            if !rng.chance(p) {
                continue;
            }
            let from = add_days(f.established, 15).max(jd(year, 1, 10));
            let date = between(&mut rng, from, jd(year, 12, 20)).min(LEDGER_END);
            out.push(Financing {
                fund_id: f.id.clone(),
                county: f.county,
                date,
                amount: rng.range(6, 30) * UNIT,
                bad: None,
            });
        }
    }
    out
}

/// Training courses: officers' accounting courses per fund, county courses each year, and
/// province courses (facilitation, training of trainers, others).
fn trainings(funds: &[Fund], scale: f64, seed: u64) -> Vec<Training> {
    let mut rng = Rng::derive(seed, 3);
    let mut out = Vec::new();
    for f in funds.iter().filter(|f| f.bad.is_none()) {
        let from = add_days(f.established, 20);
        if rng.chance(0.6) && from <= LEDGER_END {
            let started_on = between(&mut rng, from, add_days(from, 70).min(LEDGER_END));
            out.push(Training {
                course: Course::Accounting,
                started_on,
                participants: rng.range(3, 7) as u32,
                hours: Some(rng.range(12, 24) as u32),
                fund_id: Some(f.id.clone()),
                county: Some(f.county),
                bad: None,
            });
        }
    }
    for county in County::ALL {
        let Some(first) = funds
            .iter()
            .filter(|f| f.county == county)
            .map(|f| f.established)
            .min()
        else {
            continue;
        };
        for year in 1398..=1403 {
            if first > jd(year, 6, 1) {
                continue;
            }
            for _ in 0..scaled(1, scale).max(1) {
                let (from, to) = if year == 1399 {
                    (jd(1399, 2, 1), jd(1399, 7, 15))
                } else {
                    (jd(year, 1, 15), jd(year, 12, 15))
                };
                let course = match rng.index(7) {
                    0..=2 => Course::Accounting,
                    3 | 4 => Course::Facilitation,
                    5 => Course::Trainer,
                    _ => Course::Other(rng.index(names::OTHER_COURSES.len())),
                };
                out.push(Training {
                    course,
                    started_on: between(&mut rng, from.max(first), to),
                    participants: rng.range(10, 35) as u32,
                    hours: (!rng.chance(0.1)).then(|| rng.range(8, 32) as u32),
                    fund_id: None,
                    county: Some(county),
                    bad: None,
                });
            }
        }
    }
    let province: [(Course, JalaliDate, JalaliDate); 8] = [
        (Course::Facilitation, jd(1398, 8, 1), jd(1398, 9, 30)),
        (Course::Trainer, jd(1399, 3, 1), jd(1399, 4, 31)),
        (Course::Accounting, jd(1399, 5, 1), jd(1399, 6, 31)),
        (Course::Trainer, jd(1400, 7, 1), jd(1400, 8, 30)),
        (Course::Other(0), jd(1401, 2, 1), jd(1401, 3, 31)),
        (Course::Facilitation, jd(1402, 4, 1), jd(1402, 5, 31)),
        (Course::Other(1), jd(1403, 2, 1), jd(1403, 3, 31)),
        (Course::Trainer, jd(1403, 8, 1), jd(1403, 9, 30)),
    ];
    for (course, from, to) in province {
        for _ in 0..scaled(1, scale).max(1) {
            out.push(Training {
                course,
                started_on: between(&mut rng, from, to),
                participants: rng.range(20, 60) as u32,
                hours: Some(rng.range(16, 40) as u32),
                fund_id: None,
                county: None,
                bad: None,
            });
        }
    }
    out
}
