//! Dates in Arabic news: absolute dates with Levantine and Gregorian month
//! names, weekdays, and relative expressions resolved against the
//! publication date.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use marsad_arabic::{tokenize, Token};

pub use marsad_model::DatePrecision;

/// A date expression found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Start, code points into the text searched.
    pub start: usize,
    /// End (exclusive), code points.
    pub end: usize,
    /// The resolved date, if it can be known.
    pub date: Option<NaiveDate>,
    /// How precisely.
    pub precision: DatePrecision,
    /// The expression relies on the previous date of the article
    /// («في اليوم التالي»).
    pub relative_to_previous: bool,
}

const MONTHS: &[(&str, u32)] = &[
    ("يناير", 1),
    ("جانفي", 1),
    ("كانونالثاني", 1),
    ("فبراير", 2),
    ("فيفري", 2),
    ("شباط", 2),
    ("مارس", 3),
    ("اذار", 3),
    ("ابريل", 4),
    ("افريل", 4),
    ("نيسان", 4),
    ("مايو", 5),
    ("ماي", 5),
    ("ايار", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("جوان", 6),
    ("حزيران", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("جويليه", 7),
    ("تموز", 7),
    ("اغسطس", 8),
    ("اوت", 8),
    ("اب", 8),
    ("سبتمبر", 9),
    ("ايلول", 9),
    ("اكتوبر", 10),
    ("تشرينالاول", 10),
    ("نوفمبر", 11),
    ("تشرينالثاني", 11),
    ("ديسمبر", 12),
    ("كانونالاول", 12),
];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("الاحد", Weekday::Sun),
    ("الاثنين", Weekday::Mon),
    ("الاتنين", Weekday::Mon),
    ("الثلاثا", Weekday::Tue),
    ("الاربعا", Weekday::Wed),
    ("الخميس", Weekday::Thu),
    ("الجمعه", Weekday::Fri),
    ("السبت", Weekday::Sat),
];

/// Words for a part of the day before a weekday or «أمس»: «فجر الجمعة».
const DAY_PARTS: &[&str] = &[
    "فجر",
    "صباح",
    "ظهر",
    "عصر",
    "مسا",
    "ليل",
    "ليله",
    "يوم",
    "نهار",
    "منتصف",
];

struct Cursor<'a> {
    toks: &'a [Token],
}

impl Cursor<'_> {
    fn word(&self, i: usize) -> Option<&str> {
        self.toks.get(i).map(|t| t.text.as_str())
    }
    /// The word without a leading و/ف/ب/ل proclitic, e.g. «وفجر»,
    /// «بتاريخ»; a part of the day that starts with one of those letters
    /// («فجر», «ليل») is left whole.
    fn bare(&self, i: usize) -> Option<&str> {
        let w = self.word(i)?;
        if DAY_PARTS.contains(&w) {
            return Some(w);
        }
        Some(
            w.strip_prefix(['و', 'ف', 'ب', 'ل'])
                .filter(|r| r.chars().count() >= 2)
                .unwrap_or(w),
        )
    }
}

fn month_at(c: &Cursor<'_>, i: usize) -> Option<(u32, usize)> {
    let w = c.bare(i)?;
    let two = c.word(i + 1).map(|n| format!("{w}{n}"));
    if let Some(two) = two {
        if let Some(&(_, m)) = MONTHS.iter().find(|(k, _)| *k == two) {
            return Some((m, 2));
        }
    }
    MONTHS.iter().find(|(k, _)| *k == w).map(|&(_, m)| (m, 1))
}

fn number(w: &str) -> Option<u32> {
    w.parse().ok()
}

fn weekday_at(c: &Cursor<'_>, i: usize) -> Option<Weekday> {
    let w = c.bare(i)?;
    let w = w
        .strip_prefix("يوم")
        .filter(|r| r.starts_with("ال"))
        .unwrap_or(w);
    WEEKDAYS.iter().find(|(k, _)| *k == w).map(|&(_, d)| d)
}

/// The most recent `day` on or before `pub`; strictly before with `past`.
fn last_weekday(published: NaiveDate, day: Weekday, strictly_before: bool) -> NaiveDate {
    let mut back = (7 + published.weekday().num_days_from_monday() as i64
        - day.num_days_from_monday() as i64)
        % 7;
    if back == 0 && strictly_before {
        back = 7;
    }
    published - chrono::Duration::days(back)
}

fn sub_days(d: NaiveDate, n: u64) -> Option<NaiveDate> {
    d.checked_sub_days(Days::new(n))
}

/// Finds the date expressions of a text. `published` anchors relative
/// expressions; `previous` is the last date the article stated before this
/// text («في اليوم التالي»).
pub fn find_dates(
    text: &str,
    published: Option<NaiveDate>,
    previous: Option<NaiveDate>,
) -> Vec<DateMention> {
    dates_in(&tokenize(text), published, previous)
}

/// [`find_dates`] over words already read.
pub(crate) fn dates_in(
    toks: &[Token],
    published: Option<NaiveDate>,
    previous: Option<NaiveDate>,
) -> Vec<DateMention> {
    let c = Cursor { toks };
    let mut out = Vec::new();
    let mut i = 0;
    let mut prev = previous;
    while i < toks.len() {
        let found = absolute(&c, i, published)
            .or_else(|| relative(&c, i, published, prev))
            .or_else(|| weekday(&c, i, published));
        match found {
            Some((n, date, precision, rel)) => {
                let end = toks[i + n - 1].end;
                out.push(DateMention {
                    start: toks[i].start,
                    end,
                    date,
                    precision,
                    relative_to_previous: rel,
                });
                if date.is_some() {
                    prev = date;
                }
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

type Found = (usize, Option<NaiveDate>, DatePrecision, bool);

/// «9 من تشرين الأول/ أكتوبر 2023», «29 شباط/فبراير», «في تشرين الأول 2023».
fn absolute(c: &Cursor<'_>, i: usize, published: Option<NaiveDate>) -> Option<Found> {
    let mut j = i;
    let day = c.word(j).and_then(number).filter(|d| (1..=31).contains(d));
    if day.is_some() {
        j += 1;
        if c.word(j) == Some("من") {
            j += 1;
        }
    } else {
        // «شهر أكتوبر», «في أكتوبر 2023»: month precision needs a month word.
        if c.bare(j) == Some("شهر") {
            j += 1;
        }
    }
    let (month, n) = month_at(c, j)?;
    j += n;
    // A second month name after a slash: «تشرين الأول/ أكتوبر».
    if let Some((m2, n2)) = month_at(c, j) {
        if m2 == month {
            j += n2;
        }
    }
    if matches!(c.word(j), Some("من" | "عام" | "العام" | "سنه" | "لعام"))
        && c.word(j + 1).and_then(number).is_some_and(|y| y > 1900)
    {
        j += 1;
    }
    let year = c
        .word(j)
        .and_then(number)
        .filter(|y| (1900..=2100).contains(y));
    if year.is_some() {
        j += 1;
    }
    if day.is_none() && year.is_none() {
        // A bare month name is too weak («آب» is also "father").
        return None;
    }
    let year = year.map(|y| y as i32).or_else(|| {
        // Day and month without a year: the publication year, unless that
        // puts the date after publication.
        let p = published?;
        let y = p.year();
        let candidate = NaiveDate::from_ymd_opt(y, month, day.unwrap_or(1))?;
        Some(if candidate > p + chrono::Duration::days(1) {
            y - 1
        } else {
            y
        })
    });
    let Some(year) = year else {
        return Some((j - i, None, DatePrecision::Unknown, false));
    };
    match day {
        Some(d) => Some((
            j - i,
            NaiveDate::from_ymd_opt(year, month, d),
            DatePrecision::Day,
            false,
        )),
        None => Some((
            j - i,
            NaiveDate::from_ymd_opt(year, month, 1),
            DatePrecision::Month,
            false,
        )),
    }
}

/// «أمس», «يوم أمس الأربعاء», «فجر اليوم», «الأسبوع الماضي», «خلال اليومين
/// الماضيين», «منذ ثلاثة أيام», «الشهر الماضي», «في اليوم التالي».
fn relative(
    c: &Cursor<'_>,
    i: usize,
    published: Option<NaiveDate>,
    previous: Option<NaiveDate>,
) -> Option<Found> {
    let mut j = i;
    while c.bare(j).is_some_and(|w| {
        DAY_PARTS.contains(&w) || w == "خلال" || w == "منذ" || w == "في" || w == "قبل"
    }) && j < i + 3
    {
        j += 1;
    }
    let w = c.bare(j)?;
    let next = c.word(j + 1);
    let pub_rel = |days: u64, n: usize, p: DatePrecision| -> Found {
        match published {
            Some(d) => (n, sub_days(d, days), p, false),
            None => (n, None, DatePrecision::Unknown, false),
        }
    };
    let span = |extra: usize| j - i + extra;
    let r = match (w, next) {
        ("اول", Some("امس")) => pub_rel(2, span(2), DatePrecision::Day),
        ("اول", Some("من")) if c.word(j + 2) == Some("امس") => {
            pub_rel(2, span(3), DatePrecision::Day)
        }
        ("امس" | "البارحه", _) => {
            // «يوم أمس الأربعاء»: the weekday repeats the day.
            let extra = usize::from(weekday_at(c, j + 1).is_some());
            pub_rel(1, span(1 + extra), DatePrecision::Day)
        }
        ("اليوم", Some("التالي")) | ("اليوم", Some("الذي")) => match previous {
            Some(p) => (
                span(2),
                p.checked_add_days(Days::new(1)),
                DatePrecision::Day,
                true,
            ),
            None => (span(2), None, DatePrecision::Unknown, true),
        },
        // «في اليوم ذاته», «في نفس اليوم»: the day last stated, not today.
        ("اليوم", Some("ذاته" | "نفسه")) | ("ذات" | "نفس", Some("اليوم")) => {
            match previous {
                Some(p) => (span(2), Some(p), DatePrecision::Day, true),
                None => (span(2), None, DatePrecision::Unknown, true),
            }
        }
        ("اليوم", _) if j > i => pub_rel(0, span(1), DatePrecision::Day),
        ("الليله", Some("الماضيه")) => pub_rel(1, span(2), DatePrecision::Day),
        ("الاسبوع", Some("الماضي")) | ("الاسبوع", Some("المنصرم")) => {
            pub_rel(7, span(2), DatePrecision::Week)
        }
        ("الايام", Some("الماضيه" | "الاخيره" | "القليله")) => {
            pub_rel(3, span(2), DatePrecision::Week)
        }
        ("اليومين", Some("الماضيين" | "الاخيرين")) => {
            pub_rel(1, span(2), DatePrecision::Week)
        }
        ("يومين", _) if j > i => pub_rel(2, span(1), DatePrecision::Day),
        ("الساعات", Some("الماضيه" | "الاخيره")) => {
            pub_rel(0, span(2), DatePrecision::Day)
        }
        ("الشهر", Some("الماضي" | "المنصرم")) => match published {
            Some(d) => (
                span(2),
                d.checked_sub_months(Months::new(1))
                    .and_then(|m| m.with_day(1)),
                DatePrecision::Month,
                false,
            ),
            None => (span(2), None, DatePrecision::Unknown, false),
        },
        (num, Some("ايام")) if j > i && crate::numbers::parse_number_word(num).is_some() => {
            let n = crate::numbers::parse_number_word(num).unwrap_or(0).min(30);
            pub_rel(
                n as u64,
                span(2),
                if n <= 3 {
                    DatePrecision::Day
                } else {
                    DatePrecision::Week
                },
            )
        }
        _ => return None,
    };
    Some(r)
}

/// «الاثنين», «فجر الجمعة», «يوم الأحد الماضي».
fn weekday(c: &Cursor<'_>, i: usize, published: Option<NaiveDate>) -> Option<Found> {
    let mut j = i;
    while c.bare(j).is_some_and(|w| DAY_PARTS.contains(&w)) && j < i + 2 {
        j += 1;
    }
    let day = weekday_at(c, j)?;
    j += 1;
    let past = matches!(c.word(j), Some("الماضي" | "المنصرم" | "الفايت"));
    if past {
        j += 1;
    }
    Some(match published {
        Some(p) => (
            j - i,
            Some(last_weekday(p, day, past)),
            DatePrecision::Day,
            false,
        ),
        None => (j - i, None, DatePrecision::Unknown, false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn one(text: &str, published: Option<NaiveDate>) -> (Option<NaiveDate>, DatePrecision, String) {
        let found = find_dates(text, published, None);
        let m = found.first().unwrap_or_else(|| panic!("no date in {text}"));
        let surface: String = text.chars().skip(m.start).take(m.end - m.start).collect();
        (m.date, m.precision, surface)
    }

    #[test]
    fn levantine_and_gregorian_months() {
        let p = Some(d(2023, 11, 20));
        assert_eq!(
            one("استهدفت في 9 من تشرين الأول/ أكتوبر غارات", p),
            (
                Some(d(2023, 10, 9)),
                DatePrecision::Day,
                "9 من تشرين الأول/ أكتوبر".into()
            )
        );
        assert_eq!(
            one("في 29 شباط/فبراير، لقاعدة", Some(d(2024, 3, 10))).0,
            Some(d(2024, 2, 29))
        );
        assert_eq!(one("يوم ٢٣ آب ٢٠٢٢ قصفت", p).0, Some(d(2022, 8, 23)));
        assert_eq!(
            one("خلال شهر أيلول 2023", p),
            (
                Some(d(2023, 9, 1)),
                DatePrecision::Month,
                "شهر أيلول 2023".into()
            )
        );
    }

    #[test]
    fn a_day_without_year_is_not_after_publication() {
        assert_eq!(
            one("في 28 ديسمبر", Some(d(2024, 1, 3))).0,
            Some(d(2023, 12, 28))
        );
        assert_eq!(
            one("في 28 ديسمبر", None),
            (None, DatePrecision::Unknown, "28 ديسمبر".into())
        );
    }

    #[test]
    fn relative_days() {
        let wed = Some(d(2024, 3, 7)); // a Thursday
        assert_eq!(
            one("يوم أمس الأربعاء", wed),
            (
                Some(d(2024, 3, 6)),
                DatePrecision::Day,
                "يوم أمس الأربعاء".into()
            )
        );
        assert_eq!(one("منذ يوم أمس الثلاثاء", wed).0, Some(d(2024, 3, 6)));
        assert_eq!(one("دخل الاثنين مدينة", wed).0, Some(d(2024, 3, 4)));
        assert_eq!(one("فجر الجمعة", wed).0, Some(d(2024, 3, 1)));
        assert_eq!(one("الخميس الماضي", wed).0, Some(d(2024, 2, 29)));
        assert_eq!(one("الخميس", wed).0, Some(d(2024, 3, 7)));
        assert_eq!(
            one("الأسبوع الماضي", wed),
            (
                Some(d(2024, 2, 29)),
                DatePrecision::Week,
                "الأسبوع الماضي".into()
            )
        );
        assert_eq!(one("خلال اليومين الماضيين", wed).1, DatePrecision::Week);
        // Parts of the day that start like a proclitic («ف», «ل»).
        assert_eq!(one("فجر اليوم", wed).0, wed);
        assert_eq!(one("ليل أمس", wed).0, wed.and_then(|d| d.pred_opt()));
        assert_eq!(one("وفجر اليوم", wed).0, wed);
        assert_eq!(one("منذ ثلاثة أيام", wed).0, Some(d(2024, 3, 4)));
        assert_eq!(one("أول أمس", wed).0, Some(d(2024, 3, 5)));
        assert_eq!(
            one("الأسبوع الماضي", None),
            (None, DatePrecision::Unknown, "الأسبوع الماضي".into())
        );
    }

    #[test]
    fn next_day_follows_the_previous_date() {
        let f = find_dates("في اليوم التالي", None, Some(d(2023, 10, 9)));
        assert_eq!(f[0].date, Some(d(2023, 10, 10)));
        assert!(f[0].relative_to_previous);
        let f = find_dates("في 9 من تشرين الأول 2023 ثم في اليوم التالي", None, None);
        assert_eq!(f[1].date, Some(d(2023, 10, 10)));
    }

    #[test]
    fn the_same_day_is_the_previous_date_not_today() {
        let today = Some(d(2023, 10, 12));
        for text in [
            "في اليوم ذاته",
            "وفي اليوم نفسه",
            "في ذات اليوم",
            "في نفس اليوم",
        ] {
            let f = find_dates(text, today, Some(d(2023, 10, 9)));
            assert_eq!(f[0].date, Some(d(2023, 10, 9)), "{text}");
            assert!(f[0].relative_to_previous, "{text}");
        }
    }
}
