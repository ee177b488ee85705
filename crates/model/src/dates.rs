//! How precisely a date is known.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::invalid;

/// How precisely a date is known (ACLED's time precision).
///
/// Ordered from the most precise (`Day`) to the least (`Unknown`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    /// The day is known.
    Day,
    /// Known to within a week («الأسبوع الماضي», «خلال اليومين الماضيين»).
    Week,
    /// Known to within a month.
    Month,
    /// Not known: no date in the text, or a relative date without a
    /// publication date, or a day and month without a year.
    #[default]
    Unknown,
}

impl DatePrecision {
    /// The precision's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DatePrecision::Day => "day",
            DatePrecision::Week => "week",
            DatePrecision::Month => "month",
            DatePrecision::Unknown => "unknown",
        }
    }

    /// Parses a precision name; anything else is unknown.
    pub fn parse(s: &str) -> Self {
        match s {
            "day" => DatePrecision::Day,
            "week" => DatePrecision::Week,
            "month" => DatePrecision::Month,
            _ => DatePrecision::Unknown,
        }
    }

    /// How many days apart two reports of one event may date it.
    pub fn tolerance_days(self) -> i64 {
        match self {
            DatePrecision::Day => 1,
            DatePrecision::Week => 7,
            DatePrecision::Month => 31,
            DatePrecision::Unknown => 0,
        }
    }

    /// ACLED's time precision code: 1 day, 2 week, 3 month or less precise.
    pub fn acled_code(self) -> u8 {
        match self {
            DatePrecision::Day => 1,
            DatePrecision::Week => 2,
            _ => 3,
        }
    }
}

/// A day written exactly `YYYY-MM-DD` (RFC 3339 `full-date`), nothing
/// around it: what the API's date parameters take, so that what its
/// contract calls a date and what it accepts are the same set.
pub fn parse_day(s: &str) -> crate::Result<NaiveDate> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    shaped
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| invalid(format!("{s:?} is not a date YYYY-MM-DD")))
}

/// A date as users and feeds write it: `YYYY-MM-DD`, an RFC 3339 timestamp,
/// or a date followed by a time in another form (`2024-03-07T10:00Z`,
/// `2024-03-07 10:00`); the time is dropped.
pub fn parse_date(s: &str) -> crate::Result<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.date_naive())
        })
        .or_else(|| {
            let (day, rest) = (s.get(..10)?, s.get(10..)?);
            rest.starts_with(['T', 't', ' '])
                .then(|| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())?
        })
        .ok_or_else(|| invalid(format!("{s:?} is not a date YYYY-MM-DD")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn api_days_are_exactly_yyyy_mm_dd() {
        assert_eq!(
            parse_day("0001-02-03").unwrap(),
            NaiveDate::from_ymd_opt(1, 2, 3).unwrap()
        );
        for bad in [
            "",
            " 2024-03-07",
            "2024-3-07",
            "2024-03-07T10:00Z",
            "+2024-03-07",
            "2024-02-30",
            "٢٠٢٤-٠٣-٠٧",
        ] {
            assert!(parse_day(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_in_the_forms_people_write_them() {
        for s in [
            "2024-03-07",
            " 2024-03-07 ",
            "2024-03-07T10:00:00Z",
            "2024-03-07T10:00:00+03:00",
            "2024-03-07T10:00Z",
            "2024-03-07 10:00",
        ] {
            assert_eq!(parse_date(s).unwrap().to_string(), "2024-03-07", "{s}");
        }
        for s in ["yesterday", "2024-13-01", "07/03/2024", "2024-03-07X", ""] {
            let e = parse_date(s).unwrap_err().to_string();
            assert!(e.contains("YYYY-MM-DD"), "{s}: {e}");
        }
    }

    #[test]
    fn precision_orders_from_day_to_unknown() {
        assert!(DatePrecision::Day < DatePrecision::Week);
        assert!(DatePrecision::Month < DatePrecision::Unknown);
        assert_eq!(DatePrecision::parse("week"), DatePrecision::Week);
    }
}
