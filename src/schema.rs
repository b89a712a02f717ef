//! The canonical tables of DATA-CONTRACT.md §2: fields, types, header and sheet aliases, keys and
//! enum vocabularies. This is data read by ingest; the matching itself lives in [`crate::text`].

/// A table of the lake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    /// Funds and where they are.
    Funds,
    /// Members of each fund.
    Members,
    /// Savings deposits and withdrawals.
    Savings,
    /// Loans from a fund to its members.
    Loans,
    /// Loan installment schedules and what was paid on them.
    Installments,
    /// Credit lines to funds.
    Financing,
    /// Training courses.
    Trainings,
}

impl Table {
    /// Every table, parents before children (the order in which references are checked).
    pub const ALL: [Table; 7] = [
        Table::Funds,
        Table::Members,
        Table::Loans,
        Table::Installments,
        Table::Savings,
        Table::Financing,
        Table::Trainings,
    ];

    /// The table's name in the lake.
    pub fn name(self) -> &'static str {
        match self {
            Table::Funds => "funds",
            Table::Members => "members",
            Table::Savings => "savings",
            Table::Loans => "loans",
            Table::Installments => "installments",
            Table::Financing => "financing",
            Table::Trainings => "trainings",
        }
    }

    /// Sheet names (or CSV stems) that name this table, besides its own name.
    pub fn sheet_aliases(self) -> &'static [&'static str] {
        match self {
            Table::Funds => &[
                "funds",
                "fund",
                "صندوق",
                "صندوقها",
                "صندوق‌ها",
                "مشخصات صندوق",
            ],
            Table::Members => &["members", "member", "اعضا", "اعضای صندوق", "لیست اعضا"],
            Table::Savings => &[
                "savings",
                "saving",
                "پس انداز",
                "پس‌انداز",
                "پسانداز",
                "سپرده",
            ],
            Table::Loans => &["loans", "loan", "وام", "وامها", "وام‌ها", "تسهیلات"],
            Table::Installments => &[
                "installments",
                "repayments",
                "schedule",
                "اقساط",
                "بازپرداخت",
                "جدول اقساط",
            ],
            Table::Financing => &[
                "financing",
                "funding",
                "تامین مالی",
                "تأمین مالی",
                "اعتبارات",
            ],
            Table::Trainings => &[
                "trainings",
                "training",
                "courses",
                "آموزش",
                "آموزشها",
                "دوره‌های آموزشی",
            ],
        }
    }

    /// The table's fields in lake column order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Table::Funds => FUNDS,
            Table::Members => MEMBERS,
            Table::Savings => SAVINGS,
            Table::Loans => LOANS,
            Table::Installments => INSTALLMENTS,
            Table::Financing => FINANCING,
            Table::Trainings => TRAININGS,
        }
    }

    /// The fields whose values together identify a row; empty for transaction tables.
    pub fn key(self) -> &'static [&'static str] {
        match self {
            Table::Funds => &["fund_id"],
            Table::Members => &["fund_id", "member_id"],
            Table::Loans => &["loan_id"],
            Table::Installments => &["loan_id", "installment_no"],
            Table::Savings | Table::Financing | Table::Trainings => &[],
        }
    }

    /// Looks a field up by name.
    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }
}

/// What a field holds and how a cell is parsed into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier, kept as text (`1203.0` → `1203`, leading zeros in text kept).
    Id,
    /// Free text, normalized.
    Text,
    /// A whole number with a lower bound.
    Int {
        /// Smallest allowed value.
        min: i64,
    },
    /// Whole rials; `positive` means > 0, else ≥ 0.
    Amount {
        /// Whether zero is rejected.
        positive: bool,
    },
    /// A day, stored as a date.
    Date,
    /// Yes or no.
    Bool,
    /// One of a vocabulary.
    Enum(EnumKind),
}

/// The closed vocabularies of contract §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumKind {
    /// A county of the pipeline's province (configuration).
    County,
    /// fund_type.
    FundType,
    /// gender.
    Gender,
    /// savings kind.
    SavingsKind,
    /// loans funding_source.
    FundingSource,
    /// trainings course_type: unknown values are `other`, never rejected.
    CourseType,
}

impl EnumKind {
    /// Canonical values with the words that mean each one (the canonical value itself is always
    /// accepted too). Counties come from configuration instead.
    pub fn vocabulary(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            EnumKind::County => &[],
            EnumKind::FundType => &[
                ("women", &["زنان", "زنان روستایی"]),
                (
                    "disability",
                    &["معلولین", "افراد دارای معلولیت", "توانیابان"],
                ),
            ],
            EnumKind::Gender => &[
                ("female", &["زن", "F", "خانم"]),
                ("male", &["مرد", "M", "آقا"]),
            ],
            EnumKind::SavingsKind => &[
                ("deposit", &["واریز", "پس انداز"]),
                ("withdrawal", &["برداشت"]),
            ],
            EnumKind::FundingSource => &[
                ("own", &["منابع صندوق", "صندوق"]),
                ("omid", &["امید", "صندوق کارآفرینی امید"]),
            ],
            EnumKind::CourseType => &[
                ("accounting", &["حسابداری"]),
                ("facilitation", &["تسهیلگری"]),
                ("trainer", &["تربیت مربی", "مربی"]),
                ("other", &[]),
            ],
        }
    }

    /// The value a blank cell takes, when the contract gives a default.
    pub fn default_value(self) -> Option<&'static str> {
        match self {
            EnumKind::FundType => Some("women"),
            EnumKind::SavingsKind => Some("deposit"),
            EnumKind::FundingSource => Some("own"),
            _ => None,
        }
    }
}

/// One field of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Canonical name (lake column).
    pub name: &'static str,
    /// Type.
    pub kind: Kind,
    /// Whether a blank cell rejects the row.
    pub required: bool,
    /// Personal data: read for checks, never written anywhere.
    pub personal: bool,
    /// Header aliases besides the name.
    pub aliases: &'static [&'static str],
}

const fn f(
    name: &'static str,
    kind: Kind,
    required: bool,
    aliases: &'static [&'static str],
) -> Field {
    Field {
        name,
        kind,
        required,
        personal: false,
        aliases,
    }
}

const fn personal(name: &'static str, kind: Kind, aliases: &'static [&'static str]) -> Field {
    Field {
        name,
        kind,
        required: false,
        personal: true,
        aliases,
    }
}

const FUND_ID: &[&str] = &["fund code", "کد صندوق", "شناسه صندوق", "شماره صندوق"];
const MEMBER_ID: &[&str] = &["member code", "کد عضو", "شماره عضویت", "شناسه عضو"];
const LOAN_ID: &[&str] = &["loan code", "کد وام", "شماره وام"];
const POSITIVE: Kind = Kind::Amount { positive: true };

const FUNDS: &[Field] = &[
    f("fund_id", Kind::Id, true, FUND_ID),
    f(
        "fund_name",
        Kind::Text,
        true,
        &["name", "fund name", "نام صندوق"],
    ),
    f("county", Kind::Enum(EnumKind::County), true, &["شهرستان"]),
    f("village", Kind::Text, false, &["روستا", "دهستان"]),
    f(
        "fund_type",
        Kind::Enum(EnumKind::FundType),
        false,
        &["type", "نوع صندوق"],
    ),
    f(
        "established_on",
        Kind::Date,
        true,
        &[
            "established",
            "date established",
            "تاریخ تاسیس",
            "تاریخ تأسیس",
            "تاریخ تشکیل",
        ],
    ),
    f("facilitator", Kind::Text, false, &["تسهیلگر"]),
];

const MEMBERS: &[Field] = &[
    f("fund_id", Kind::Id, true, FUND_ID),
    f("member_id", Kind::Id, true, MEMBER_ID),
    f(
        "household_id",
        Kind::Id,
        false,
        &["household", "کد خانوار", "شماره خانوار"],
    ),
    personal(
        "full_name",
        Kind::Text,
        &["name", "نام و نام خانوادگی", "نام"],
    ),
    personal("national_id", Kind::Id, &["کد ملی", "شماره ملی"]),
    personal(
        "mobile",
        Kind::Text,
        &["phone", "موبایل", "تلفن همراه", "شماره تماس"],
    ),
    f(
        "gender",
        Kind::Enum(EnumKind::Gender),
        false,
        &["sex", "جنسیت"],
    ),
    f(
        "has_disability",
        Kind::Bool,
        false,
        &["disability", "معلولیت", "دارای معلولیت"],
    ),
    f(
        "joined_on",
        Kind::Date,
        true,
        &["joined", "join date", "تاریخ عضویت"],
    ),
    f(
        "left_on",
        Kind::Date,
        false,
        &["left", "exit date", "تاریخ خروج", "تاریخ انصراف"],
    ),
];

const SAVINGS: &[Field] = &[
    f("fund_id", Kind::Id, true, FUND_ID),
    f("member_id", Kind::Id, true, MEMBER_ID),
    f(
        "date",
        Kind::Date,
        true,
        &["transaction date", "تاریخ", "تاریخ واریز"],
    ),
    f("amount", POSITIVE, true, &["مبلغ", "مبلغ پس انداز"]),
    f(
        "kind",
        Kind::Enum(EnumKind::SavingsKind),
        false,
        &["type", "نوع", "نوع تراکنش"],
    ),
];

const LOANS: &[Field] = &[
    f("loan_id", Kind::Id, true, LOAN_ID),
    f("fund_id", Kind::Id, true, FUND_ID),
    f("member_id", Kind::Id, true, MEMBER_ID),
    f(
        "disbursed_on",
        Kind::Date,
        true,
        &["disbursed", "date", "تاریخ پرداخت وام", "تاریخ اعطا"],
    ),
    f(
        "principal",
        POSITIVE,
        true,
        &["amount", "مبلغ وام", "اصل وام"],
    ),
    f("installments", Kind::Int { min: 1 }, true, &["تعداد اقساط"]),
    f(
        "purpose",
        Kind::Text,
        false,
        &["activity", "موضوع", "زمینه فعالیت"],
    ),
    f(
        "funding_source",
        Kind::Enum(EnumKind::FundingSource),
        false,
        &["source", "منبع", "محل تامین"],
    ),
];

const INSTALLMENTS: &[Field] = &[
    f("loan_id", Kind::Id, true, LOAN_ID),
    f(
        "installment_no",
        Kind::Int { min: 1 },
        true,
        &["no", "number", "شماره قسط", "ردیف قسط"],
    ),
    f("due_on", Kind::Date, true, &["due date", "تاریخ سررسید"]),
    f(
        "due_amount",
        POSITIVE,
        true,
        &["installment amount", "مبلغ قسط"],
    ),
    f(
        "paid_on",
        Kind::Date,
        false,
        &["payment date", "تاریخ پرداخت"],
    ),
    f(
        "paid_amount",
        Kind::Amount { positive: false },
        false,
        &["paid", "مبلغ پرداختی", "مبلغ پرداخت شده"],
    ),
];

const FINANCING: &[Field] = &[
    f("fund_id", Kind::Id, true, FUND_ID),
    f("date", Kind::Date, true, &["تاریخ", "تاریخ پرداخت"]),
    f("amount", POSITIVE, true, &["مبلغ", "مبلغ تامین مالی"]),
    f("source", Kind::Text, false, &["منبع"]),
];

const TRAININGS: &[Field] = &[
    f(
        "course_type",
        Kind::Enum(EnumKind::CourseType),
        true,
        &["type", "course", "نوع دوره", "عنوان دوره"],
    ),
    f(
        "started_on",
        Kind::Date,
        true,
        &["date", "تاریخ", "تاریخ برگزاری"],
    ),
    f(
        "participants",
        Kind::Int { min: 0 },
        true,
        &["تعداد شرکت کنندگان", "شرکت کنندگان"],
    ),
    f(
        "hours",
        Kind::Int { min: 0 },
        false,
        &["ساعت", "مدت (ساعت)"],
    ),
    f("fund_id", Kind::Id, false, FUND_ID),
    f("county", Kind::Enum(EnumKind::County), false, &["شهرستان"]),
];

/// Words that mark a totals row when they are its first non-blank cell.
pub const TOTAL_WORDS: [&str; 5] = ["جمع", "جمع کل", "مجموع", "total", "sum"];

/// Partition value for trainings that belong to no county.
pub const PROVINCE_PARTITION: &str = "_province";
