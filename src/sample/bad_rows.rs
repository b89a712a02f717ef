//! The deliberate mistakes (see the list in [`super`]): each is a realistic slip of a county
//! clerk, tagged with a [`BadRow`] that says what is wrong and what ingest should do. None of
//! them touches a fund or a financing row that counts for 1399Q3, so the seed figures stand.

use super::dates::{add_days, jd, meeting, LEDGER_END};
use super::generate::fund_code;
use super::layout::Cell;
use super::ledgers;
use super::model::{
    BadRow, County, Fund, FundType, Gender, Loan, Member, Province, Saving, SavingsKind, Source,
};
use super::rng::Rng;
use std::collections::{HashMap, HashSet};

/// Adds every deliberate mistake to `p` (skipping one only when the province is too small to
/// hold it), then restores the table order.
pub(crate) fn inject(p: &mut Province, seed: u64) {
    let mut rng = Rng::derive(seed, 9);
    unknown_county_fund(p, &mut rng);
    savings_cell(
        p,
        County::Zanjan,
        |s| s.date.year == 1401 && s.date.month == 12,
        "date",
        Cell::text("1401/12/30"),
        "savings date 1401/12/30: Esfand 30 typed in 1401, which is not a leap year",
        "reject: the date does not exist (1401 has no Esfand 30)",
    );
    two_digit_year(p);
    negative_savings(p);
    unknown_member_savings(p);
    conflicting_loan_id(p);
    duplicate_installment(p);
    paid_without_date(p);
    national_id_typo(p, County::Tarom, false);
    national_id_typo(p, County::Abhar, true);
    loan_before_join(p);
    savings_cell(
        p,
        County::Mahneshan,
        |s| s.date.year == 1402 && s.kind == SavingsKind::Deposit,
        "amount",
        Cell::text("120.05"),
        "savings amount «120.05» in a toman column: a dot typed among the digits, 1,200.5 rials",
        "reject: not a whole number of rials",
    );
    negative_balance(p);
    short_schedule(p);
    payment_before_loan(p);
    savings_cell(
        p,
        County::Khodabandeh,
        |s| s.kind == SavingsKind::Deposit,
        "date",
        Cell::Blank,
        "savings row with the date left blank",
        "reject: required field date is blank",
    );
    p.sort();
}

fn add_bad(
    p: &mut Province,
    county: County,
    what: &str,
    outcome: &str,
    cell: Option<(&'static str, Cell)>,
) -> usize {
    p.bad.push(BadRow {
        county,
        what: what.to_string(),
        outcome: outcome.to_string(),
        cell,
    });
    p.bad.len() - 1
}

/// Whether a fund code belongs to a (well-formed) fund of `county`.
fn in_county(p: &Province, county: County) -> impl Fn(&str) -> bool {
    let ids: HashSet<String> = p
        .funds
        .iter()
        .filter(|f| f.county == county && f.bad.is_none())
        .map(|f| f.id.clone())
        .collect();
    move |fund_id: &str| ids.contains(fund_id)
}

/// Index of the first untagged savings row of `county` that passes `when`.
fn find_saving(p: &Province, county: County, when: impl Fn(&Saving) -> bool) -> Option<usize> {
    let inside = in_county(p, county);
    p.savings
        .iter()
        .position(|s| s.bad.is_none() && inside(&s.fund_id) && when(s))
}

/// A savings row of `county` written with `cell` in `field`.
fn savings_cell(
    p: &mut Province,
    county: County,
    when: impl Fn(&Saving) -> bool,
    field: &'static str,
    cell: Cell,
    what: &str,
    outcome: &str,
) {
    if let Some(i) = find_saving(p, county, when) {
        let tag = add_bad(p, county, what, outcome, Some((field, cell)));
        p.savings[i].bad = Some(tag);
    }
}

/// Zanjan: a new fund whose county was typed «زنجانن»; its two members, their savings, one
/// loan and its installments all fall with it.
fn unknown_county_fund(p: &mut Province, rng: &mut Rng) {
    let serial = p
        .funds
        .iter()
        .filter(|f| f.county == County::Zanjan)
        .count()
        + 1;
    let id = fund_code(County::Zanjan, serial);
    let established = jd(1401, 4, 12);
    let fund_tag = add_bad(
        p,
        County::Zanjan,
        "new fund whose county is typed «زنجانن» (a doubled letter)",
        "reject: unknown county «زنجانن»",
        Some(("county", Cell::text("زنجانن"))),
    );
    let members_tag = add_bad(
        p,
        County::Zanjan,
        "the two members of that fund",
        "reject: parent fund rejected (cascade)",
        None,
    );
    let savings_tag = add_bad(
        p,
        County::Zanjan,
        "savings of those members",
        "reject: parent member rejected (cascade)",
        None,
    );
    let loan_tag = add_bad(
        p,
        County::Zanjan,
        "the loan of one of those members",
        "reject: parent member rejected (cascade)",
        None,
    );
    let inst_tag = add_bad(
        p,
        County::Zanjan,
        "installments of that loan",
        "reject: parent loan rejected (cascade)",
        None,
    );
    let fund = Fund {
        id: id.clone(),
        county: County::Zanjan,
        village: "آق‌کند".to_string(),
        fund_type: FundType::Women,
        established,
        facilitator: "مهری قاسمی".to_string(),
        meeting_day: 12,
        bad: Some(fund_tag),
    };
    for (no, name) in [(1u32, "فاطمه آق‌کندی"), (2, "سمیه آق‌کندی")] {
        p.members.push(Member {
            fund_id: id.clone(),
            member_id: no,
            household: Some(1),
            full_name: name.to_string(),
            national_id: ledgers::national_id(rng),
            mobile: ledgers::mobile(rng),
            gender: Some(Gender::Female),
            disability: false,
            joined: established,
            left: None,
            note: None,
            bad: Some(members_tag),
        });
        for k in 0..6 {
            p.savings.push(Saving {
                fund_id: id.clone(),
                member_id: no,
                date: meeting(1401 * 12 + 3 + k, fund.meeting_day),
                amount: 1_000_000,
                kind: SavingsKind::Deposit,
                bad: Some(savings_tag),
            });
        }
    }
    let loan = Loan {
        id: format!("{id}-001"),
        fund_id: id.clone(),
        member_id: 1,
        disbursed: jd(1401, 8, 12),
        principal: 20_000_000,
        installments: 10,
        purpose: 1,
        source: Source::Own,
        bad: Some(loan_tag),
    };
    let mut schedule = ledgers::schedule(&loan, rng);
    for x in &mut schedule {
        x.bad = Some(inst_tag);
    }
    p.installments.extend(schedule);
    p.loans.push(loan);
    p.funds.push(fund);
}

/// Tarom: a savings date typed with a two-digit year, «99/07/15».
fn two_digit_year(p: &mut Province) {
    let i = find_saving(p, County::Tarom, |s| {
        s.date >= jd(1399, 7, 1) && s.date <= jd(1399, 7, 23)
    })
    .or_else(|| find_saving(p, County::Tarom, |s| s.date.year == 1399));
    if let Some(i) = i {
        let d = p.savings[i].date;
        let text = format!("{:02}/{:02}/{:02}", d.year % 100, d.month, d.day);
        let tag = add_bad(
            p,
            County::Tarom,
            &format!("savings date typed with a two-digit year, «{text}»"),
            "reject: two-digit years are ambiguous",
            Some(("date", Cell::Text(text.clone()))),
        );
        p.savings[i].bad = Some(tag);
    }
}

/// Khorramdarreh: a withdrawal written as a negative amount.
fn negative_savings(p: &mut Province) {
    let i = find_saving(p, County::Khorramdarreh, |s| {
        s.kind == SavingsKind::Withdrawal
    })
    .or_else(|| find_saving(p, County::Khorramdarreh, |_| true));
    if let Some(i) = i {
        let tag = add_bad(
            p,
            County::Khorramdarreh,
            "withdrawal written with a minus sign (negative amount)",
            "reject: amount must be greater than zero",
            None,
        );
        p.savings[i].amount = -p.savings[i].amount;
        p.savings[i].bad = Some(tag);
    }
}

/// Abhar: a deposit booked to a member number one past the fund's last member.
fn unknown_member_savings(p: &mut Province) {
    let inside = in_county(p, County::Abhar);
    let Some(fund) = p
        .funds
        .iter()
        .find(|f| inside(&f.id) && f.established.year <= 1400)
    else {
        return;
    };
    let (fund_id, day) = (fund.id.clone(), fund.meeting_day);
    let last = p
        .members
        .iter()
        .filter(|m| m.fund_id == fund_id)
        .map(|m| m.member_id)
        .max()
        .unwrap_or(0);
    let tag = add_bad(
        p,
        County::Abhar,
        &format!(
            "deposit booked to member {} of fund {fund_id}, which has only {last} members",
            last + 1
        ),
        "reject: parent member does not exist",
        None,
    );
    p.savings.push(Saving {
        fund_id,
        member_id: last + 1,
        date: meeting(1401 * 12 + 4, day),
        amount: 1_000_000,
        kind: SavingsKind::Deposit,
        bad: Some(tag),
    });
}

/// Soltaniyeh: a loan number reused for a second member's loan with another principal.
fn conflicting_loan_id(p: &mut Province) {
    let inside = in_county(p, County::Soltaniyeh);
    let Some(i) = (0..p.loans.len().saturating_sub(1)).find(|&i| {
        let (a, b) = (&p.loans[i], &p.loans[i + 1]);
        inside(&a.fund_id)
            && a.fund_id == b.fund_id
            && a.member_id != b.member_id
            && a.principal != b.principal
            && a.disbursed.year >= 1401
            && a.bad.is_none()
            && b.bad.is_none()
    }) else {
        return;
    };
    let (keep, old) = (p.loans[i].id.clone(), p.loans[i + 1].id.clone());
    let loans_tag = add_bad(
        p,
        County::Soltaniyeh,
        &format!("loan number {keep} used for two loans with different principals"),
        "reject both: conflicting duplicate loan_id",
        None,
    );
    let inst_tag = add_bad(
        p,
        County::Soltaniyeh,
        &format!("installments of both loans numbered {keep}"),
        "reject: parent loan rejected (cascade); the pairs also repeat their key",
        None,
    );
    p.loans[i].bad = Some(loans_tag);
    p.loans[i + 1].bad = Some(loans_tag);
    p.loans[i + 1].id = keep.clone();
    for x in &mut p.installments {
        if x.loan_id == old {
            x.loan_id = keep.clone();
            x.bad = Some(inst_tag);
        } else if x.loan_id == keep {
            x.bad = Some(inst_tag);
        }
    }
}

/// Loans of `county`, untagged, with their index.
fn county_loans(p: &Province, county: County) -> Vec<usize> {
    let inside = in_county(p, county);
    (0..p.loans.len())
        .filter(|&i| p.loans[i].bad.is_none() && inside(&p.loans[i].fund_id))
        .collect()
}

/// Index of the first untagged installment of a `county` loan that passes `when`.
fn find_installment(
    p: &Province,
    county: County,
    when: impl Fn(&super::model::Installment, &Loan) -> bool,
) -> Option<usize> {
    let loans: HashMap<&str, &Loan> = county_loans(p, county)
        .into_iter()
        .map(|i| (p.loans[i].id.as_str(), &p.loans[i]))
        .collect();
    p.installments
        .iter()
        .position(|x| x.bad.is_none() && loans.get(x.loan_id.as_str()).is_some_and(|l| when(x, l)))
}

/// Ijrud: an installment row pasted twice.
fn duplicate_installment(p: &mut Province) {
    if let Some(i) = find_installment(p, County::Ijrud, |x, _| {
        x.paid_on.is_some() && x.due_on.year == 1402
    }) {
        let tag = add_bad(
            p,
            County::Ijrud,
            "installment row pasted twice (exact copy)",
            "keep the first copy, warn: exact duplicate",
            None,
        );
        let mut copy = p.installments[i].clone();
        copy.bad = Some(tag);
        p.installments.insert(i + 1, copy);
    }
}

/// Mahneshan: a payment amount entered without its date.
fn paid_without_date(p: &mut Province) {
    if let Some(i) = find_installment(p, County::Mahneshan, |x, _| {
        x.paid_on.is_some() && x.paid_amount.is_some_and(|a| a > 0) && x.due_on.year == 1402
    }) {
        let tag = add_bad(
            p,
            County::Mahneshan,
            "installment with a paid amount but no payment date",
            "reject: a positive paid_amount with a blank paid_on cannot be dated",
            None,
        );
        p.installments[i].paid_on = None;
        p.installments[i].bad = Some(tag);
    }
}

/// A national id with a wrong check digit (Tarom) or a placeholder of ten ones (Abhar).
fn national_id_typo(p: &mut Province, county: County, placeholder: bool) {
    let inside = in_county(p, county);
    let Some(i) = p
        .members
        .iter()
        .position(|m| m.bad.is_none() && inside(&m.fund_id) && m.member_id == 3)
    else {
        return;
    };
    let (id, what) = if placeholder {
        (
            "1111111111".to_string(),
            "national id entered as the placeholder 1111111111",
        )
    } else {
        let mut id: Vec<u8> = p.members[i].national_id.bytes().collect();
        if let Some(last) = id.last_mut() {
            *last = b'0' + (*last - b'0' + 1) % 10;
        }
        (
            String::from_utf8(id).unwrap_or_default(),
            "national id with a mistyped last digit",
        )
    };
    let tag = add_bad(p, county, what, "keep, warn: invalid national_id", None);
    p.members[i].national_id = id;
    p.members[i].bad = Some(tag);
}

/// Khorramdarreh: a member's join date entered after the day her first loan was paid out.
fn loan_before_join(p: &mut Province) {
    let established: HashMap<&str, _> = p
        .funds
        .iter()
        .map(|f| (f.id.as_str(), f.established))
        .collect();
    let mut found = None;
    for i in county_loans(p, County::Khorramdarreh) {
        let l = &p.loans[i];
        let Some(m) = p.members.iter().position(|m| {
            m.fund_id == l.fund_id
                && m.member_id == l.member_id
                && m.bad.is_none()
                && m.left.is_none()
        }) else {
            continue;
        };
        let first_loan = p
            .loans
            .iter()
            .filter(|x| x.fund_id == l.fund_id && x.member_id == l.member_id)
            .map(|x| x.disbursed)
            .min();
        let late_joiner = established
            .get(l.fund_id.as_str())
            .is_some_and(|&e| p.members[m].joined > add_days(e, 30));
        if first_loan == Some(l.disbursed) && late_joiner {
            found = Some((i, m));
            break;
        }
    }
    let Some((i, m)) = found else { return };
    let joined = add_days(p.loans[i].disbursed, 12).min(LEDGER_END);
    let tag = add_bad(
        p,
        County::Khorramdarreh,
        &format!(
            "loan {} paid out 12 days before its member's recorded join date",
            p.loans[i].id
        ),
        "keep, warn: loan disbursed before its member joined",
        None,
    );
    p.members[m].joined = joined;
    p.loans[i].bad = Some(tag);
}

/// Ijrud: one withdrawal larger than the member's balance (the only one in the province).
fn negative_balance(p: &mut Province) {
    let inside = in_county(p, County::Ijrud);
    let mut found = None;
    for m in p.members.iter().filter(|m| {
        m.bad.is_none() && m.left.is_none() && inside(&m.fund_id) && m.joined.year <= 1400
    }) {
        let mine: Vec<&Saving> = p
            .savings
            .iter()
            .filter(|s| s.fund_id == m.fund_id && s.member_id == m.member_id)
            .collect();
        let Some(at) = mine.get(24).map(|s| add_days(s.date, 3)) else {
            continue;
        };
        if mine
            .iter()
            .any(|s| s.kind == SavingsKind::Withdrawal && s.date > at)
        {
            continue;
        }
        let balance: i64 = mine
            .iter()
            .filter(|s| s.date <= at)
            .map(|s| match s.kind {
                SavingsKind::Deposit => s.amount,
                SavingsKind::Withdrawal => -s.amount,
            })
            .sum();
        found = Some((m.fund_id.clone(), m.member_id, at, balance));
        break;
    }
    let Some((fund_id, member_id, at, balance)) = found else {
        return;
    };
    let tag = add_bad(
        p,
        County::Ijrud,
        "withdrawal 500,000 rials larger than the member's balance",
        "keep, warn: withdrawal takes the balance below zero",
        None,
    );
    p.savings.push(Saving {
        fund_id,
        member_id,
        date: at,
        amount: balance + 500_000,
        kind: SavingsKind::Withdrawal,
        bad: Some(tag),
    });
}

/// Soltaniyeh: a schedule of principal/n rounded down, with no fee: the installments add up to
/// a few rials less than the principal.
fn short_schedule(p: &mut Province) {
    let Some(i) = county_loans(p, County::Soltaniyeh)
        .into_iter()
        .find(|&i| p.loans[i].principal % i64::from(p.loans[i].installments) != 0)
    else {
        return;
    };
    let (id, principal, n) = (
        p.loans[i].id.clone(),
        p.loans[i].principal,
        i64::from(p.loans[i].installments),
    );
    let due = principal / n;
    let tag = add_bad(p, County::Soltaniyeh,
        &format!("loan {id}: installments of principal/{n} rounded down, no fee; they add up to {} rials less than the principal", principal - due * n),
        "keep, warn: installments add up to less than the principal", None);
    p.loans[i].bad = Some(tag);
    for x in p.installments.iter_mut().filter(|x| x.loan_id == id) {
        let old = x.due_amount;
        x.due_amount = due;
        x.paid_amount = x
            .paid_amount
            .map(|a| if a >= old { due } else { a.min(due) });
    }
}

/// Tarom: a payment date with the year typed one too low, before the loan was paid out.
fn payment_before_loan(p: &mut Province) {
    if let Some(i) = find_installment(p, County::Tarom, |x, l| {
        x.no == 1 && l.disbursed.year >= 1401 && x.paid_on.is_some_and(|d| d.month < 12)
    }) {
        if let Some(d) = p.installments[i].paid_on {
            let typo = jd(d.year - 1, d.month, d.day);
            let tag = add_bad(
                p,
                County::Tarom,
                &format!(
                    "payment date typed {} for {} (year one too low), before the loan",
                    super::dates::slash(typo),
                    super::dates::slash(d)
                ),
                "keep, warn: payment dated before its loan",
                None,
            );
            p.installments[i].paid_on = Some(typo);
            p.installments[i].bad = Some(tag);
        }
    }
}
