//! A filter expression over the attributes every store and the index
//! hold for an incident: what an OGC API `filter` (CQL2, parsed by
//! `marsad-filter`) asks, in terms that know nothing of its syntax.

use chrono::NaiveDate;
use geo::{Geometry, Intersects, Point};

use crate::{EventType, ReviewStatus};

/// The attributes a condition can ask about (the OGC queryables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The event type's name (`airstrike`…).
    Type,
    /// The day it happened; `None` when undated.
    Date,
    /// Confidence in [0, 1].
    Confidence,
    /// ACLED geo precision, 1–3.
    GeoPrecision,
    /// Review status's name.
    Status,
}

impl Field {
    /// Every field, in the order the queryables list them.
    pub const ALL: [Field; 5] = [
        Field::Type,
        Field::Date,
        Field::Confidence,
        Field::GeoPrecision,
        Field::Status,
    ];

    /// Its name as a filter writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Type => "type",
            Field::Date => "date",
            Field::Confidence => "confidence",
            Field::GeoPrecision => "geo_precision",
            Field::Status => "status",
        }
    }

    /// The field called `name`.
    pub fn named(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// A value a field is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A text (type, status).
    Text(String),
    /// A number (confidence, geo precision).
    Number(f64),
    /// A day.
    Date(NaiveDate),
}

/// How a field is compared with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A filter: true or false for each incident.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every one holds (`AND`; none: true).
    All(Vec<Condition>),
    /// One holds (`OR`; none: false).
    Any(Vec<Condition>),
    /// It does not hold.
    Not(Box<Condition>),
    /// The field compares so with the value. A missing value (an undated
    /// incident's date) compares false, as in SQL.
    Compare(Field, Comparison, Value),
    /// The field equals one of the values.
    In(Field, Vec<Value>),
    /// The field's text matches a `LIKE` pattern (`%` any run, `_` one
    /// character), case-insensitively when the flag is set.
    Like(Field, String, bool),
    /// The field has no value.
    IsNull(Field),
    /// The incident's point intersects the geometry (on its edge counts).
    Intersects(Geometry<f64>),
    /// A literal.
    Literal(bool),
}

/// An incident's attributes as a condition reads them.
pub trait Attributes {
    /// Its event type.
    fn event_type(&self) -> EventType;
    /// Its day, if dated.
    fn date(&self) -> Option<NaiveDate>;
    /// Its confidence.
    fn confidence(&self) -> f32;
    /// Its geo precision code.
    fn geo_precision(&self) -> u8;
    /// Its review status.
    fn status(&self) -> ReviewStatus;
    /// Its point (longitude, latitude), if placed.
    fn point(&self) -> Option<Point<f64>>;
}

impl Attributes for crate::Incident {
    fn event_type(&self) -> EventType {
        self.event_type
    }
    fn date(&self) -> Option<NaiveDate> {
        self.date
    }
    fn confidence(&self) -> f32 {
        self.confidence
    }
    fn geo_precision(&self) -> u8 {
        self.geo_precision.code()
    }
    fn status(&self) -> ReviewStatus {
        self.status
    }
    fn point(&self) -> Option<Point<f64>> {
        self.lat_lon().map(|(lat, lon)| Point::new(lon, lat))
    }
}

/// A field's value for one incident, in the terms values compare in.
enum Got {
    Text(&'static str),
    Number(f64),
    Date(NaiveDate),
    Null,
}

fn get(a: &impl Attributes, f: Field) -> Got {
    match f {
        Field::Type => Got::Text(a.event_type().as_str()),
        Field::Date => a.date().map_or(Got::Null, Got::Date),
        Field::Confidence => Got::Number((f64::from(a.confidence()) * 1000.0).round() / 1000.0),
        Field::GeoPrecision => Got::Number(f64::from(a.geo_precision())),
        Field::Status => Got::Text(a.status().as_str()),
    }
}

/// How the incident's value orders against `v`; `None` when either is
/// missing or they are of different kinds.
fn order(got: &Got, v: &Value) -> Option<std::cmp::Ordering> {
    match (got, v) {
        (Got::Text(a), Value::Text(b)) => Some((*a).cmp(b.as_str())),
        (Got::Number(a), Value::Number(b)) => a.partial_cmp(b),
        (Got::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

impl Condition {
    /// Whether the incident with attributes `a` passes.
    pub fn admits(&self, a: &impl Attributes) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Condition::All(cs) => cs.iter().all(|c| c.admits(a)),
            Condition::Any(cs) => cs.iter().any(|c| c.admits(a)),
            Condition::Not(c) => !c.admits(a),
            Condition::Compare(f, op, v) => order(&get(a, *f), v).is_some_and(|o| match op {
                Comparison::Eq => o == Equal,
                Comparison::Ne => o != Equal,
                Comparison::Lt => o == Less,
                Comparison::Le => o != Greater,
                Comparison::Gt => o == Greater,
                Comparison::Ge => o != Less,
            }),
            Condition::In(f, vs) => {
                let got = get(a, *f);
                vs.iter().any(|v| order(&got, v) == Some(Equal))
            }
            Condition::Like(f, pattern, fold) => match get(a, *f) {
                Got::Text(t) => like(t, pattern, *fold),
                _ => false,
            },
            Condition::IsNull(f) => matches!(get(a, *f), Got::Null),
            Condition::Intersects(g) => a.point().is_some_and(|p| p.intersects(g)),
            Condition::Literal(b) => *b,
        }
    }
}

/// Whether `text` matches the `LIKE` pattern: `%` any run of characters,
/// `_` any one, `\` escaping the next.
fn like(text: &str, pattern: &str, fold: bool) -> bool {
    let fold = |s: &str| {
        if fold {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let text: Vec<char> = fold(text).chars().collect();
    let mut pat = Vec::new();
    let mut chars = fold(pattern).chars().collect::<Vec<_>>().into_iter();
    while let Some(c) = chars.next() {
        pat.push(match c {
            '\\' => Pat::Char(chars.next().unwrap_or('\\')),
            '%' => Pat::Any,
            '_' => Pat::One,
            c => Pat::Char(c),
        });
    }
    matches_from(&text, &pat)
}

enum Pat {
    Char(char),
    One,
    Any,
}

/// Matching with backtracking on `%` only: the texts are a type or a
/// status name, a few bytes.
fn matches_from(text: &[char], pat: &[Pat]) -> bool {
    match pat.split_first() {
        None => text.is_empty(),
        Some((Pat::Any, rest)) => (0..=text.len()).any(|i| matches_from(&text[i..], rest)),
        Some((Pat::One, rest)) => !text.is_empty() && matches_from(&text[1..], rest),
        Some((Pat::Char(c), rest)) => text.first() == Some(c) && matches_from(&text[1..], rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("airstrike", "air%", false));
        assert!(like("airstrike", "%STRIKE", true));
        assert!(!like("airstrike", "%STRIKE", false));
        assert!(like("raid", "r_id", false));
        assert!(!like("raid", "r_d", false));
        assert!(like("50%", "50\\%", false));
        assert!(like("", "%", false));
    }
}
