//! From the `cql2` crate's expression to a [`Condition`].

use chrono::NaiveDate;
use cql2::Expr;
use marsad_model::condition::{Comparison, Field, Value};
use marsad_model::Condition;

use crate::{Error, Result};

/// The name of the incidents' geometry in filters.
pub const GEOMETRY: &str = "geometry";

/// The condition a CQL2-text filter states.
pub fn parse(text: &str) -> Result<Condition> {
    let expr = cql2::parse_text(text).map_err(syntax)?;
    condition(&expr)
}

fn syntax(e: cql2::Error) -> Error {
    match e {
        cql2::Error::Pest(p) => {
            let (line, column) = match p.line_col {
                pest::error::LineColLocation::Pos(at) => at,
                pest::error::LineColLocation::Span(at, _) => at,
            };
            Error::Syntax {
                line,
                column,
                message: p.variant.message().into_owned(),
            }
        }
        other => Error::Unsupported(other.to_string()),
    }
}

fn unsupported(what: impl std::fmt::Display) -> Error {
    Error::Unsupported(format!("{what} is not supported here"))
}

/// An expression that is true or false for an incident.
fn condition(e: &Expr) -> Result<Condition> {
    let Expr::Operation { op, args } = e else {
        return match e {
            Expr::Bool(b) => Ok(Condition::Literal(*b)),
            other => Err(Error::Unsupported(format!(
                "{} is not a condition",
                describe(other)
            ))),
        };
    };
    let each = || {
        args.iter()
            .map(|a| condition(a))
            .collect::<Result<Vec<_>>>()
    };
    match op.as_str() {
        "and" => Ok(Condition::All(each()?)),
        "or" => Ok(Condition::Any(each()?)),
        "not" => Ok(Condition::Not(Box::new(one(op, args, condition)?))),
        "=" | "<>" | "<" | "<=" | ">" | ">=" => compare(op, args),
        "between" => {
            let [x, low, high] = args.as_slice() else {
                return Err(arity(op, 3, args.len()));
            };
            let field = field(x)?;
            Ok(Condition::All(vec![
                Condition::Compare(field, Comparison::Ge, value(field, low)?),
                Condition::Compare(field, Comparison::Le, value(field, high)?),
            ]))
        }
        "in" => {
            let [x, list] = args.as_slice() else {
                return Err(arity(op, 2, args.len()));
            };
            let field = field(x)?;
            let Expr::Array(items) = list.as_ref() else {
                return Err(unsupported("IN without a list"));
            };
            let values = items
                .iter()
                .map(|v| value(field, v))
                .collect::<Result<_>>()?;
            Ok(Condition::In(field, values))
        }
        "like" => {
            let [x, pattern] = args.as_slice() else {
                return Err(arity(op, 2, args.len()));
            };
            let (x, folded) = casei(x);
            let (pattern, folded_too) = casei(pattern);
            let field = field(x)?;
            let Expr::Literal(p) = pattern else {
                return Err(bad(field, "LIKE takes a quoted pattern"));
            };
            Ok(Condition::Like(field, p.clone(), folded || folded_too))
        }
        "isNull" => Ok(Condition::IsNull(one(op, args, field)?)),
        "s_intersects" => {
            let [a, b] = args.as_slice() else {
                return Err(arity(op, 2, args.len()));
            };
            let shape = match (a.as_ref(), b.as_ref()) {
                (Expr::Property { property }, other) | (other, Expr::Property { property })
                    if property == GEOMETRY =>
                {
                    geometry(other)?
                }
                _ => return Err(unsupported("S_INTERSECTS other than of `geometry`")),
            };
            Ok(Condition::Intersects(shape))
        }
        "t_intersects" => {
            let [a, b] = args.as_slice() else {
                return Err(arity(op, 2, args.len()));
            };
            let when = match (a.as_ref(), b.as_ref()) {
                (Expr::Property { property }, other) | (other, Expr::Property { property })
                    if Field::named(property) == Some(Field::Date) =>
                {
                    other
                }
                _ => return Err(unsupported("T_INTERSECTS other than of `date`")),
            };
            temporal(when)
        }
        other => Err(unsupported(format!("the operator {other:?}"))),
    }
}

/// The one argument of `op`, read by `read`.
fn one<T>(op: &str, args: &[Box<Expr>], read: impl Fn(&Expr) -> Result<T>) -> Result<T> {
    match args {
        [x] => read(x),
        _ => Err(arity(op, 1, args.len())),
    }
}

fn arity(op: &str, expected: usize, actual: usize) -> Error {
    Error::Unsupported(format!("{op} takes {expected} arguments, not {actual}"))
}

fn bad(field: Field, message: impl Into<String>) -> Error {
    Error::BadValue {
        property: field.as_str().to_string(),
        message: message.into(),
    }
}

/// `CASEI(x)` as (x, true); anything else as (it, false).
fn casei(e: &Expr) -> (&Expr, bool) {
    match e {
        Expr::Operation { op, args } if op.eq_ignore_ascii_case("casei") && args.len() == 1 => {
            (&args[0], true)
        }
        other => (other, false),
    }
}

/// A comparison of a queryable with a value, either way round.
fn compare(op: &str, args: &[Box<Expr>]) -> Result<Condition> {
    let [a, b] = args else {
        return Err(arity(op, 2, args.len()));
    };
    let cmp = match op {
        "=" => Comparison::Eq,
        "<>" => Comparison::Ne,
        "<" => Comparison::Lt,
        "<=" => Comparison::Le,
        ">" => Comparison::Gt,
        _ => Comparison::Ge,
    };
    let (prop, other, cmp) = match (a.as_ref(), b.as_ref()) {
        (p @ Expr::Property { .. }, v) => (p, v, cmp),
        (v, p @ Expr::Property { .. }) => (p, v, flipped(cmp)),
        _ => return Err(unsupported("a comparison without a queryable")),
    };
    let field = field(prop)?;
    Ok(Condition::Compare(field, cmp, value(field, other)?))
}

/// `v op x` as `x op' v`.
fn flipped(c: Comparison) -> Comparison {
    match c {
        Comparison::Lt => Comparison::Gt,
        Comparison::Le => Comparison::Ge,
        Comparison::Gt => Comparison::Lt,
        Comparison::Ge => Comparison::Le,
        same => same,
    }
}

/// The queryable a property names.
fn field(e: &Expr) -> Result<Field> {
    match e {
        Expr::Property { property } => {
            Field::named(property).ok_or_else(|| Error::UnknownProperty(property.clone()))
        }
        other => Err(Error::Unsupported(format!(
            "{} where a queryable was expected",
            describe(other)
        ))),
    }
}

/// A value for `field`, checked against its kind.
fn value(field: Field, e: &Expr) -> Result<Value> {
    match field {
        Field::Type | Field::Status => match e {
            Expr::Literal(s) => Ok(Value::Text(s.clone())),
            _ => Err(bad(field, "takes a quoted text")),
        },
        Field::Confidence | Field::GeoPrecision => match e {
            Expr::Float(x) if x.is_finite() => Ok(Value::Number(*x)),
            _ => Err(bad(field, "takes a number")),
        },
        Field::Date => day(e).map(Value::Date),
    }
}

/// A day: `DATE('2024-06-01')`, a `TIMESTAMP(…)` (its day, in UTC), or a
/// quoted day or date-time as GDAL writes them (`'2024-06-01T'`).
fn day(e: &Expr) -> Result<NaiveDate> {
    let text = match e {
        Expr::Date { date } | Expr::Timestamp { timestamp: date } => match date.as_ref() {
            Expr::Literal(s) => s,
            _ => return Err(bad(Field::Date, "DATE and TIMESTAMP take a quoted value")),
        },
        Expr::Literal(s) => s,
        _ => return Err(bad(Field::Date, "takes DATE('YYYY-MM-DD') or a quoted day")),
    };
    let head = text.get(..10).unwrap_or(text);
    let rest = &text[head.len()..];
    // A day, or a day followed by `T` and a time (or nothing, as GDAL writes).
    if !(rest.is_empty() || rest.starts_with('T')) {
        return Err(bad(Field::Date, format!("{text:?} is not a day")));
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .map_err(|_| bad(Field::Date, format!("{text:?} is not a day")))
}

/// `T_INTERSECTS(date, …)`: an interval (either end `'..'`), a day or an
/// instant.
fn temporal(e: &Expr) -> Result<Condition> {
    let Expr::Interval { interval } = e else {
        return Ok(Condition::Compare(
            Field::Date,
            Comparison::Eq,
            Value::Date(day(e)?),
        ));
    };
    let [start, end] = interval.as_slice() else {
        return Err(bad(Field::Date, "an INTERVAL has two ends"));
    };
    let open = |e: &Expr| matches!(e, Expr::Literal(s) if s == "..");
    let mut bounds = Vec::new();
    if !open(start) {
        bounds.push(Condition::Compare(
            Field::Date,
            Comparison::Ge,
            Value::Date(day(start)?),
        ));
    }
    if !open(end) {
        bounds.push(Condition::Compare(
            Field::Date,
            Comparison::Le,
            Value::Date(day(end)?),
        ));
    }
    // Fully open: any dated incident.
    bounds.push(Condition::Not(Box::new(Condition::IsNull(Field::Date))));
    Ok(Condition::All(bounds))
}

/// A geometry: `BBOX(w, s, e, n)`, WKT or GeoJSON, in longitude, latitude.
fn geometry(e: &Expr) -> Result<geo::Geometry<f64>> {
    let not_a_shape = || Error::BadValue {
        property: GEOMETRY.into(),
        message: "takes BBOX(west, south, east, north) or a WKT geometry".into(),
    };
    match e {
        Expr::BBox { bbox } => {
            let numbers: Vec<f64> = bbox
                .iter()
                .map(|b| match b.as_ref() {
                    Expr::Float(x) if x.is_finite() => Ok(*x),
                    _ => Err(not_a_shape()),
                })
                .collect::<Result<_>>()?;
            let [w, s, e, n] = numbers.as_slice() else {
                return Err(unsupported("a BBOX other than of four numbers"));
            };
            if !(-180.0..=180.0).contains(w) || !(-180.0..=180.0).contains(e) {
                return Err(bad_shape("a longitude outside [-180, 180]"));
            }
            if !(-90.0..=90.0).contains(s) || !(-90.0..=90.0).contains(n) || s > n {
                return Err(bad_shape(
                    "latitudes outside [-90, 90] or south above north",
                ));
            }
            Ok(if w <= e {
                geo::Rect::new((*w, *s), (*e, *n)).into()
            } else {
                // Across the antimeridian: two boxes.
                geo::MultiPolygon::new(vec![
                    geo::Rect::new((*w, *s), (180.0, *n)).to_polygon(),
                    geo::Rect::new((-180.0, *s), (*e, *n)).to_polygon(),
                ])
                .into()
            })
        }
        Expr::Geometry(cql2::Geometry::Wkt(text)) => {
            let parsed: wkt::Wkt<f64> = text
                .parse()
                .map_err(|e: &str| bad_shape(format!("not WKT: {e}")))?;
            geo::Geometry::try_from(parsed).map_err(|e| bad_shape(e.to_string()))
        }
        Expr::Geometry(cql2::Geometry::GeoJSON(g)) => {
            geo::Geometry::try_from(g.clone()).map_err(|e| bad_shape(e.to_string()))
        }
        _ => Err(not_a_shape()),
    }
}

fn bad_shape(message: impl Into<String>) -> Error {
    Error::BadValue {
        property: GEOMETRY.into(),
        message: message.into(),
    }
}

/// What an expression is, for an error message.
fn describe(e: &Expr) -> String {
    match e {
        Expr::Property { property } => format!("the property {property:?}"),
        Expr::Literal(s) => format!("the text {s:?}"),
        Expr::Float(x) => format!("the number {x}"),
        Expr::Bool(b) => format!("{b}"),
        Expr::Operation { op, .. } => format!("the operator {op:?}"),
        _ => "a value".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gdal_dates_and_bare_names_read() {
        let c = parse("(date >= '2024-06-01T') AND (geo_precision <= 2)").unwrap();
        assert_eq!(
            c,
            Condition::All(vec![
                Condition::Compare(
                    Field::Date,
                    Comparison::Ge,
                    Value::Date(NaiveDate::from_ymd_opt(2024, 6, 1).unwrap())
                ),
                Condition::Compare(Field::GeoPrecision, Comparison::Le, Value::Number(2.0)),
            ])
        );
    }
}
