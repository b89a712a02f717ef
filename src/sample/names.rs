//! Word lists for the sample: villages, people, loan purposes and course titles. Names are
//! common Persian names, combined at random; they identify nobody.

use super::model::County;

/// Women's first names.
pub(crate) const FEMALE: &[&str] = &[
    "فاطمه",
    "زهرا",
    "معصومه",
    "مریم",
    "سکینه",
    "زینب",
    "طاهره",
    "رقیه",
    "صغری",
    "کبری",
    "لیلا",
    "فرشته",
    "سمیه",
    "اعظم",
    "شهلا",
    "پروین",
    "منیژه",
    "گلنار",
    "ژیلا",
    "خدیجه",
    "نرگس",
    "الهام",
    "راضیه",
    "سهیلا",
    "فریبا",
    "ربابه",
    "آمنه",
    "حلیمه",
    "نسرین",
    "مهری",
    "پری",
    "گلاره",
];

/// Men's first names (a few members of the disability funds).
pub(crate) const MALE: &[&str] = &[
    "علی", "حسین", "محمد", "رضا", "مهدی", "یوسف", "جعفر", "اکبر", "قاسم", "مجید",
];

/// Family names.
pub(crate) const SURNAMES: &[&str] = &[
    "احمدی",
    "محمدی",
    "رحیمی",
    "قاسمی",
    "کریمی",
    "حسینی",
    "موسوی",
    "جعفری",
    "نوروزی",
    "اکبری",
    "سلیمانی",
    "عباسی",
    "یوسفی",
    "باقری",
    "قربانی",
    "زارعی",
    "صادقی",
    "حیدری",
    "رضایی",
    "اسدی",
    "ملکی",
    "بیگدلی",
    "افشار",
    "شاهسون",
    "قره‌باغی",
    "ترکمان",
    "گودرزی",
    "پورمحمد",
    "خلجی",
    "چگینی",
];

/// Villages per county, used in fund names.
pub(crate) fn villages(county: County) -> &'static [&'static str] {
    match county {
        County::Zanjan => &[
            "قلتوق",
            "ارمغانخانه",
            "قره‌بوته",
            "سهرورد",
            "ینگجه",
            "گوزلدره",
            "بوغداکندی",
            "چایر",
        ],
        County::Abhar => &[
            "درسجین",
            "حصار",
            "کینه‌ورس",
            "ابهررود",
            "سنبل‌آباد",
            "قروه",
            "نوکند",
        ],
        County::Khodabandeh => &["سجاس", "گرماب", "زرین‌رود", "نیک‌پی", "قره‌گل", "کرسف"],
        County::Khorramdarreh => &["نورین", "رحمت‌آباد", "سوکهریز", "الوند", "ویر", "خلیفه‌لو"],
        County::Tarom => &[
            "چورزق",
            "گیلوان",
            "دستجرده",
            "ورزان",
            "پسکوه",
            "چرگر",
            "آب‌بر",
        ],
        County::Mahneshan => &["انگوران", "دندی", "قزلجه", "ایلچی", "اوغلبیک", "پری"],
        County::Ijrud => &["حلب", "زرین‌آباد", "سعیدآباد", "گلابر", "ینگی‌کند", "اندآباد"],
        County::Soltaniyeh => &[
            "کردکندی",
            "گنبدکندی",
            "خیرآباد",
            "قلعه‌حسینیه",
            "سنبل‌آباد",
            "ملک‌آباد",
        ],
    }
}

/// Loan purposes: (Persian, English).
pub(crate) const PURPOSES: &[(&str, &str)] = &[
    ("دامداری", "livestock"),
    ("قالیبافی", "carpet weaving"),
    ("خیاطی", "tailoring"),
    ("زنبورداری", "beekeeping"),
    ("پرورش قارچ", "mushroom growing"),
    ("صنایع دستی", "handicrafts"),
    ("مرغداری", "poultry"),
    ("گلیم‌بافی", "kilim weaving"),
    ("فرآوری لبنیات", "dairy processing"),
    ("پرورش گل محمدی", "damask rose growing"),
    ("تهیه ترشی و رب", "pickles and pastes"),
    ("باغداری", "orchard"),
];

/// Courses other than the three named kinds: (Persian, English).
pub(crate) const OTHER_COURSES: &[(&str, &str)] = &[
    ("بازاریابی و فروش محصولات", "marketing"),
    ("کارآفرینی", "entrepreneurship"),
    ("بهداشت و ایمنی مواد غذایی", "food safety"),
    ("بسته‌بندی محصولات", "packaging"),
];

/// Prefixes of national ids (place-of-issue codes); a few start with zeros, which Excel drops.
pub(crate) const NID_PREFIXES: &[&str] = &[
    "427", "428", "429", "430", "431", "432", "433", "434", "435", "436", "424", "425", "001",
    "004",
];

/// Mobile operator prefixes.
pub(crate) const MOBILE_PREFIXES: &[&str] = &[
    "0912", "0914", "0919", "0935", "0936", "0937", "0938", "0939", "0901", "0902", "0903", "0990",
];

/// Occasional remarks in the «ملاحظات» column.
pub(crate) const REMARKS: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "",
    "تایید شد",
    "با فیش بانکی",
    "نقدی",
    "پیگیری شود",
];
