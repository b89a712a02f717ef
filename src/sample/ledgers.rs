//! Members and their ledgers: monthly savings, loans and installment schedules with realistic
//! repayment behaviour, up to 1403/12/30.

use super::dates::{add_days, add_months, between, meeting, month_index, LEDGER_END};
use super::generate::scaled;
use super::model::{
    Fund, FundType, Gender, Installment, Loan, Member, Province, Saving, SavingsKind, Source,
};
use super::names;
use super::rng::Rng;
use crate::calendar::JalaliDate;
use std::collections::HashMap;

/// Adds members, savings, loans and installments for every fund of `p`.
pub(crate) fn fill(p: &mut Province, scale: f64, seed: u64) {
    for (i, fund) in p.funds.iter().enumerate() {
        let mut rng = Rng::derive(seed, 10_000 + i as u64);
        p.members.extend(members_of(fund, &mut rng));
    }
    rejoin(p, scale, seed);
    let funds: HashMap<&str, &Fund> = p.funds.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut first_financing: HashMap<&str, JalaliDate> = HashMap::new();
    for f in &p.financing {
        let e = first_financing.entry(f.fund_id.as_str()).or_insert(f.date);
        *e = (*e).min(f.date);
    }
    let mut loans = Vec::new();
    for (i, m) in p.members.iter().enumerate() {
        let Some(fund) = funds.get(m.fund_id.as_str()) else {
            continue;
        };
        let mut rng = Rng::derive(seed, 1_000_000 + i as u64);
        savings_of(m, fund, &mut rng, &mut p.savings);
        let omid_from = first_financing.get(m.fund_id.as_str()).copied();
        loans_of(m, fund, omid_from, &mut rng, &mut loans);
    }
    // loan codes: the fund code and a serial in order of disbursement
    loans.sort_by(|a: &Loan, b: &Loan| {
        (&a.fund_id, a.disbursed, a.member_id).cmp(&(&b.fund_id, b.disbursed, b.member_id))
    });
    let mut serial: HashMap<String, u32> = HashMap::new();
    for loan in &mut loans {
        let n = serial.entry(loan.fund_id.clone()).or_insert(0);
        *n += 1;
        loan.id = format!("{}-{:03}", loan.fund_id, n);
    }
    for (i, loan) in loans.iter().enumerate() {
        let mut rng = Rng::derive(seed, 5_000_000 + i as u64);
        p.installments.extend(schedule(loan, &mut rng));
    }
    p.loans = loans;
}

/// A national id with a valid check digit.
pub(crate) fn national_id(rng: &mut Rng) -> String {
    let prefix = rng.pick(names::NID_PREFIXES);
    let mut digits = [0u8; 9];
    for (i, b) in prefix.bytes().enumerate().take(3) {
        digits[i] = b - b'0';
    }
    for d in digits.iter_mut().skip(3) {
        *d = rng.range(0, 9) as u8;
    }
    let check = super::model::national_id_check(&digits);
    digits
        .iter()
        .chain(std::iter::once(&check))
        .map(|d| char::from(b'0' + d))
        .collect()
}

pub(crate) fn mobile(rng: &mut Rng) -> String {
    format!(
        "{}{:07}",
        rng.pick(names::MOBILE_PREFIXES),
        rng.range(0, 9_999_999)
    )
}

/// The members of one fund: founders on the founding day, others joining later; some leave.
fn members_of(fund: &Fund, rng: &mut Rng) -> Vec<Member> {
    let founders = rng.range(11, 16) as usize;
    let later = rng.range(4, 10) as usize;
    let mut joins: Vec<JalaliDate> = (0..founders)
        .map(|_| add_days(fund.established, rng.range(0, 7) as i32).min(LEDGER_END))
        .collect();
    let (from, to) = (add_days(fund.established, 30), add_days(LEDGER_END, -30));
    if from <= to {
        joins.extend((0..later).map(|_| between(rng, from, to)));
    }
    joins.sort();
    let disability_fund = fund.fund_type == FundType::Disability;
    let mut out: Vec<Member> = Vec::with_capacity(joins.len());
    let mut households = 0u32;
    for (i, joined) in joins.into_iter().enumerate() {
        let gender = if disability_fund {
            match rng.index(20) {
                0..=14 => Some(Gender::Female),
                15..=17 => Some(Gender::Male),
                _ => None,
            }
        } else {
            Some(Gender::Female)
        };
        let first = match gender {
            Some(Gender::Male) => rng.pick(names::MALE),
            _ => rng.pick(names::FEMALE),
        };
        // a daughter (or mother) of the previous member: same household and family name
        let shares = i > 0 && rng.chance(0.15) && out[i - 1].household.is_some();
        let (surname, household) = if shares {
            let prev = &out[i - 1];
            let surname = prev.full_name.rsplit(' ').next().unwrap_or("").to_string();
            (surname, prev.household)
        } else if rng.chance(0.2) {
            (rng.pick(names::SURNAMES).to_string(), None)
        } else {
            households += 1;
            (rng.pick(names::SURNAMES).to_string(), Some(households))
        };
        let leave_from = add_days(joined, 180);
        let left = (leave_from < add_days(LEDGER_END, -1) && rng.chance(0.12))
            .then(|| between(rng, leave_from, add_days(LEDGER_END, -1)));
        out.push(Member {
            fund_id: fund.id.clone(),
            member_id: i as u32 + 1,
            household,
            full_name: format!("{first} {surname}"),
            national_id: national_id(rng),
            mobile: mobile(rng),
            gender,
            disability: if disability_fund {
                !rng.chance(0.15)
            } else {
                rng.chance(0.03)
            },
            joined,
            left,
            note: None,
            bad: None,
        });
    }
    out
}

/// A couple of members who left join another fund of their county, with a new member id.
fn rejoin(p: &mut Province, scale: f64, seed: u64) {
    let mut rng = Rng::derive(seed, 4);
    let wanted = scaled(2, scale).max(1);
    let county_of: HashMap<&str, (super::model::County, JalaliDate)> = p
        .funds
        .iter()
        .map(|f| (f.id.as_str(), (f.county, f.established)))
        .collect();
    let mut next_id: HashMap<String, u32> = HashMap::new();
    for m in &p.members {
        let e = next_id.entry(m.fund_id.clone()).or_insert(0);
        *e = (*e).max(m.member_id);
    }
    let mut added = Vec::new();
    let mut order: Vec<usize> = (0..p.members.len()).collect();
    rng.shuffle(&mut order);
    for i in order {
        if added.len() >= wanted {
            break;
        }
        let m = &p.members[i];
        let Some(left) = m.left else { continue };
        let Some(&(county, _)) = county_of.get(m.fund_id.as_str()) else {
            continue;
        };
        let joined = add_days(left, rng.range(20, 90) as i32);
        if joined > add_days(LEDGER_END, -60) {
            continue;
        }
        let Some(target) = p.funds.iter().find(|f| {
            f.county == county && f.id != m.fund_id && f.established < joined && f.bad.is_none()
        }) else {
            continue;
        };
        let id = next_id.entry(target.id.clone()).or_insert(0);
        *id += 1;
        added.push(Member {
            fund_id: target.id.clone(),
            member_id: *id,
            household: None,
            joined,
            left: None,
            note: Some("عضو سابق صندوق دیگر"),
            bad: None,
            ..m.clone()
        });
    }
    p.members.extend(added);
}

/// The last day a member can transact: the day before she left, or the ledger end.
fn last_day(m: &Member) -> JalaliDate {
    m.left
        .map(|l| add_days(l, -1))
        .unwrap_or(LEDGER_END)
        .min(LEDGER_END)
}

/// Monthly deposits on the fund's meeting day, a few withdrawals, and the whole balance
/// withdrawn when a member leaves.
fn savings_of(m: &Member, fund: &Fund, rng: &mut Rng, out: &mut Vec<Saving>) {
    let base = rng.range(5, 20) * 100_000;
    let end = last_day(m);
    let mut mi = month_index(m.joined);
    if meeting(mi, fund.meeting_day) < m.joined {
        mi += 1;
    }
    let first_month = mi;
    let mut balance = 0i64;
    let push = |out: &mut Vec<Saving>, date, amount, kind| {
        out.push(Saving {
            fund_id: m.fund_id.clone(),
            member_id: m.member_id,
            date,
            amount,
            kind,
            bad: None,
        });
    };
    loop {
        let date = meeting(mi, fund.meeting_day);
        if date > end {
            break;
        }
        let years = i64::from((mi - first_month) / 12);
        if rng.chance(0.92) {
            let amount = (base + base * years * 15 / 100).min(2_000_000) / 10_000 * 10_000;
            push(out, date, amount, SavingsKind::Deposit);
            balance += amount;
        }
        if mi - first_month >= 12 && rng.chance(0.02) {
            let amount = balance * rng.range(10, 40) / 100 / 10_000 * 10_000;
            let on = add_days(date, rng.range(1, 3) as i32);
            if amount >= 100_000 && on <= end {
                push(out, on, amount, SavingsKind::Withdrawal);
                balance -= amount;
            }
        }
        mi += 1;
    }
    if let Some(left) = m.left {
        if balance > 0 && left <= LEDGER_END {
            push(out, left, balance, SavingsKind::Withdrawal);
        }
    }
}

/// The largest principal (millions of rials) a fund lent in a year.
fn principal_range(year: i32) -> (i64, i64) {
    match year {
        ..=1398 => (10, 40),
        1399 => (10, 50),
        1400 => (15, 60),
        1401 => (20, 70),
        1402 => (25, 85),
        _ => (30, 100),
    }
}

/// Loans one after another: a member borrows again only after the last one's term.
fn loans_of(
    m: &Member,
    fund: &Fund,
    omid_from: Option<JalaliDate>,
    rng: &mut Rng,
    out: &mut Vec<Loan>,
) {
    let end = last_day(m);
    let mut mi = month_index(m.joined) + 3;
    while mi <= month_index(LEDGER_END) {
        let date = add_days(meeting(mi, fund.meeting_day), rng.range(0, 2) as i32);
        if date > end || date > LEDGER_END {
            break;
        }
        if !rng.chance(0.05) {
            mi += 1;
            continue;
        }
        let n = rng.range(6, 12) as u32;
        if m.left.is_some() && add_months(date, n as i32) >= end {
            break;
        }
        let (lo, hi) = principal_range(date.year);
        // skewed towards small loans (u^1.5, with sqrt so that every platform rounds alike)
        let u = rng.unit();
        let millions = lo + ((hi - lo) as f64 * u * u.sqrt()).round() as i64;
        let source = match omid_from {
            Some(from) if from <= date && rng.chance(0.4) => Source::Omid,
            _ => Source::Own,
        };
        out.push(Loan {
            id: String::new(),
            fund_id: m.fund_id.clone(),
            member_id: m.member_id,
            disbursed: date,
            principal: millions * 1_000_000,
            installments: n,
            purpose: rng.index(names::PURPOSES.len()),
            source,
            bad: None,
        });
        mi += n as i32 + rng.range(1, 4) as i32;
    }
}

/// What happened to one installment.
#[derive(Clone, Copy)]
enum Pay {
    OnTime,
    Late,
    Partial,
    Missed,
    Over,
}

/// Monthly installments of principal/n plus a small fee, and the payments made on them.
pub(crate) fn schedule(loan: &Loan, rng: &mut Rng) -> Vec<Installment> {
    let n = i64::from(loan.installments);
    let base = (loan.principal + n * 1000 - 1) / n / 1000 * 1000;
    let base = if base * n < loan.principal {
        base + 1000
    } else {
        base
    };
    let fee = (loan.principal / 300 + 500) / 1000 * 1000;
    let due_amount = base + fee;
    // (on time, late, partial, missed) out of 100; the rest overpaid
    let profile: [u32; 4] = match rng.index(10) {
        0..=6 => [92, 7, 1, 0],
        7 | 8 => [70, 24, 3, 2],
        _ => [45, 30, 10, 12],
    };
    let blank_when_unpaid = rng.chance(0.5);
    let unpaid = if blank_when_unpaid { None } else { Some(0) };
    (1..=loan.installments)
        .map(|no| {
            let due_on = add_months(loan.disbursed, no as i32);
            let roll = rng.range(0, 99) as u32;
            let pay = if due_on > LEDGER_END {
                Pay::Missed
            } else if roll < profile[0] {
                Pay::OnTime
            } else if roll < profile[0] + profile[1] {
                Pay::Late
            } else if roll < profile[0] + profile[1] + profile[2] {
                Pay::Partial
            } else if roll < profile[0] + profile[1] + profile[2] + profile[3] {
                Pay::Missed
            } else {
                Pay::Over
            };
            let earliest = add_days(loan.disbursed, 1);
            let (paid_on, paid_amount) = match pay {
                Pay::OnTime => {
                    let early = if rng.chance(0.6) {
                        0
                    } else {
                        rng.range(1, 5) as i32
                    };
                    (
                        Some(add_days(due_on, -early).max(earliest)),
                        Some(due_amount),
                    )
                }
                Pay::Over => {
                    let on = add_days(due_on, -(rng.range(0, 2) as i32)).max(earliest);
                    (Some(on), Some(due_amount + rng.range(1, 10) * 10_000))
                }
                Pay::Late => {
                    let on = add_days(due_on, rng.range(3, 75) as i32);
                    if on <= LEDGER_END {
                        (Some(on), Some(due_amount))
                    } else {
                        (None, unpaid)
                    }
                }
                Pay::Partial => {
                    let on = add_days(due_on, rng.range(0, 20) as i32);
                    let part = due_amount * rng.range(30, 80) / 100 / 1000 * 1000;
                    if on <= LEDGER_END {
                        (Some(on), Some(part))
                    } else {
                        (None, unpaid)
                    }
                }
                Pay::Missed => (None, unpaid),
            };
            Installment {
                loan_id: loan.id.clone(),
                no,
                due_on,
                due_amount,
                paid_on,
                paid_amount,
                bad: None,
            }
        })
        .collect()
}
