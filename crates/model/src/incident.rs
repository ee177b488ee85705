//! One incident, the rule that decides whether two reports tell the same
//! one, and how one report absorbs another.

use chrono::NaiveDate;
use geo::{Distance, Haversine, Point};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use crate::{Actor, Counts, DatePrecision, EventType, GeoPrecision, Place, Qualifier};

/// One article's report of an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The article.
    pub article_id: String,
    /// Its address.
    pub url: Option<String>,
    /// Its headline.
    pub title: Option<String>,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Its publication date.
    pub published: Option<NaiveDate>,
    /// Evidence start, code points into the article text.
    pub start: usize,
    /// Evidence end (exclusive).
    pub end: usize,
    /// The evidence sentence.
    pub evidence: String,
}

/// An incident: what happened, where, when, who did it to whom, the toll,
/// and the reports that tell it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Stable id (hash of the first report's article, evidence span, type
    /// and place).
    pub id: String,
    /// What happened.
    pub event_type: EventType,
    /// When, if known.
    pub date: Option<NaiveDate>,
    /// How precisely.
    pub date_precision: DatePrecision,
    /// The words that gave the date.
    pub date_text: Option<String>,
    /// Where, if the reports say.
    pub place: Option<Place>,
    /// How well the place stands for where it happened.
    pub geo_precision: GeoPrecision,
    /// Who did it.
    pub actors: Vec<Actor>,
    /// To whom.
    pub targets: Vec<Actor>,
    /// Named people (commanders) in the evidence.
    pub people: Vec<String>,
    /// Killed, injured, arrested.
    pub counts: Counts,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// How many articles report it.
    pub source_count: u32,
    /// When it was first reported (the earliest publication date of its
    /// reports): an undated incident had happened by then. Kept by the
    /// store to match undated reports across articles; not in the JSON.
    pub reported: Option<NaiveDate>,
    /// The reports (all of them when one incident is fetched from the
    /// store; the one report when freshly extracted; none in listings).
    pub sources: Vec<Source>,
    /// Where it stands with the people who review it (unreviewed as
    /// extracted; the store keeps what they decide).
    pub status: crate::ReviewStatus,
}

/// Who is asking whether two reports are one incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Two sentences of one article: the article tells its event once with
    /// its lead figure, and a sentence without a date belongs to the dated
    /// one around it.
    Article,
    /// Reports from different articles: later reports count more victims,
    /// and undated reports never merge, because two strikes on one village
    /// months apart must stay two.
    Articles,
}

/// Places closer than this are the same place even under different ids (a
/// town and the seat of its subdistrict).
pub const SAME_PLACE_KM: f64 = 2.0;

/// Half the sides, in degrees of latitude and of longitude, of a box
/// around a point at `lat` that holds every point within [`SAME_PLACE_KM`]
/// of it: what a store looks through before [`same_incident`] decides. A
/// degree of latitude is at least 110.5 km, one of longitude that times the
/// cosine of the latitude (taken at the box's edge nearer the pole).
pub fn same_place_box(lat: f64) -> (f64, f64) {
    let dlat = SAME_PLACE_KM / 110.5 * 1.01;
    let edge = (lat.abs() + dlat).min(90.0).to_radians().cos();
    let dlon = if edge < 1e-6 {
        180.0
    } else {
        (dlat / edge).min(180.0)
    };
    (dlat, dlon)
}

/// How many days before it was first reported an undated incident may
/// have happened: news tells of the same day or the day before, seldom
/// later. Two undated reports then meet when published up to three days
/// apart, and events on one town four days apart stay two.
pub const REPORT_LAG_DAYS: i64 = 2;

/// Whether `a` and `b` report the same incident: kindred types (see
/// [`EventType::same_kind`]; within one article the same type) at the same
/// place, on compatible dates. Within one [`Scope::Article`] the place is
/// the same gazetteer id and the dates are equal or one is missing; across
/// [`Scope::Articles`] the points may also lie within [`SAME_PLACE_KM`].
/// Two dated reports must lie within a day (a week or a month when either
/// is that imprecise); an undated one matches the days before it was first
/// reported ([`Incident::when`]), so outlets that give no date still meet,
/// while two strikes on one village weeks apart stay two.
pub fn same_incident(a: &Incident, b: &Incident, scope: Scope) -> bool {
    let (Some(pa), Some(pb)) = (&a.place, &b.place) else {
        return false;
    };
    match scope {
        Scope::Article => {
            a.event_type == b.event_type
                && pa.id == pb.id
                && (a.date == b.date || a.date.is_none() || b.date.is_none())
        }
        Scope::Articles => {
            if !a.event_type.same_kind(b.event_type) {
                return false;
            }
            if pa.id != pb.id && km_between(pa, pb) > SAME_PLACE_KM {
                return false;
            }
            match (a.date, b.date) {
                (Some(x), Some(y)) => {
                    let tol = a
                        .date_precision
                        .tolerance_days()
                        .max(b.date_precision.tolerance_days());
                    (x - y).num_days().abs() <= tol
                }
                _ => match (a.when(), b.when()) {
                    (Some((a0, a1)), Some((b0, b1))) => a0 <= b1 && b0 <= a1,
                    _ => false,
                },
            }
        }
    }
}

/// How far apart two reports that [`same_incident`] accepts lie: when a
/// report matches several stored incidents it joins the nearest, of its
/// own type first, then nearest in time, then in space.
pub fn report_distance(a: &Incident, b: &Incident) -> (bool, i64, f64) {
    let centre = |i: &Incident| i.when().map(|(s, e)| s + (e - s) / 2);
    let days = match (centre(a), centre(b)) {
        (Some(x), Some(y)) => (x - y).num_days().abs(),
        _ => i64::MAX,
    };
    let km = match (&a.place, &b.place) {
        (Some(pa), Some(pb)) => km_between(pa, pb),
        _ => f64::INFINITY,
    };
    (a.event_type != b.event_type, days, km)
}

fn km_between(a: &Place, b: &Place) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat)) / 1000.0
}

impl Incident {
    /// The days it may have happened on, first to last: its date give or
    /// take its precision's tolerance, or, undated, the
    /// [`REPORT_LAG_DAYS`] before it was first reported (and the day
    /// after, for time zones); `None` when neither is known.
    pub fn when(&self) -> Option<(NaiveDate, NaiveDate)> {
        let days = chrono::Days::new;
        match (self.date, self.reported) {
            (Some(d), _) => {
                let tol = days(self.date_precision.tolerance_days().unsigned_abs());
                Some((
                    d.checked_sub_days(tol).unwrap_or(NaiveDate::MIN),
                    d.checked_add_days(tol).unwrap_or(NaiveDate::MAX),
                ))
            }
            (None, Some(r)) => Some((
                r.checked_sub_days(days(REPORT_LAG_DAYS.unsigned_abs()))
                    .unwrap_or(NaiveDate::MIN),
                r.checked_add_days(days(1)).unwrap_or(NaiveDate::MAX),
            )),
            (None, None) => None,
        }
    }

    /// Folds another report of this incident into it. Both scopes unite
    /// actors, targets and named people. Within one [`Scope::Article`] the
    /// lead figure stays and a missing date is filled; across
    /// [`Scope::Articles`] the larger toll and the more precise date win, a
    /// type read replaces `other`, the earlier report date stays,
    /// confidence grows with corroboration and the report is counted.
    pub fn absorb(&mut self, other: &Incident, scope: Scope) {
        self.add_parties(&other.actors, &other.targets, &other.people);
        match scope {
            Scope::Article => {
                self.counts.fill_from(&other.counts);
                if self.date.is_none() && other.date.is_some() {
                    self.take_date(other);
                }
                self.confidence = self.confidence.max(other.confidence);
            }
            Scope::Articles => {
                self.counts.raise_to(&other.counts);
                if other.date_precision < self.date_precision {
                    self.take_date(other);
                }
                if self.event_type == EventType::Other {
                    self.event_type = other.event_type;
                }
                self.reported = match (self.reported, other.reported) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                self.confidence = (1.0 - (1.0 - self.confidence) * (1.0 - other.confidence) * 0.8)
                    .min(0.99)
                    .max(self.confidence.max(other.confidence));
                self.source_count += other.source_count.max(1);
                for s in &other.sources {
                    if !self.sources.contains(s) {
                        self.sources.push(s.clone());
                    }
                }
            }
        }
    }

    /// Adds actors, targets and named people not yet known; one who is
    /// already a target is never also an actor, nor the reverse.
    pub fn add_parties(&mut self, actors: &[Actor], targets: &[Actor], people: &[String]) {
        for a in actors {
            if !self.actors.contains(a) && !self.targets.contains(a) {
                self.actors.push(a.clone());
            }
        }
        for t in targets {
            if !self.targets.contains(t) && !self.actors.contains(t) {
                self.targets.push(t.clone());
            }
        }
        for p in people {
            if !self.people.contains(p) {
                self.people.push(p.clone());
            }
        }
    }

    fn take_date(&mut self, other: &Incident) {
        self.date = other.date;
        self.date_precision = other.date_precision;
        self.date_text.clone_from(&other.date_text);
    }

    /// The evidence of the first report.
    pub fn evidence(&self) -> Option<&str> {
        self.sources.first().map(|s| s.evidence.as_str())
    }

    /// The incident's point, `(lat, lon)`, when it has a place.
    pub fn lat_lon(&self) -> Option<(f64, f64)> {
        self.place.as_ref().map(|p| (p.lat, p.lon))
    }
}

/// The flat JSON shape incidents have always been stored and served in,
/// as read back ([`Incident::write_fields`] writes it).
#[derive(Deserialize)]
struct Wire {
    id: String,
    #[serde(rename = "type")]
    event_type: EventType,
    date: Option<NaiveDate>,
    date_precision: DatePrecision,
    date_text: Option<String>,
    place_id: Option<String>,
    place_ar: Option<String>,
    place_en: Option<String>,
    admin1: Option<String>,
    admin2: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    geo_precision: GeoPrecision,
    actors: Vec<Actor>,
    targets: Vec<Actor>,
    people: Vec<String>,
    killed: Option<u32>,
    injured: Option<u32>,
    arrested: Option<u32>,
    count_qualifiers: std::collections::BTreeMap<String, Qualifier>,
    /// f64 on the wire: an f32 widened in JSON reads 0.800000011920929.
    confidence: f64,
    source_count: u32,
    /// Absent in what was written before reviews existed: unreviewed.
    #[serde(default)]
    status: crate::ReviewStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sources: Vec<Source>,
}

impl Serialize for Incident {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.write_fields(&mut m, true, &|_| true)?;
        m.end()
    }
}

impl Incident {
    /// Writes the flat fields (those of [`Incident`]'s JSON) into `m`,
    /// except the point (`lat`, `lon`), and only those `keep` names: what a
    /// format that carries the point apart (GeoJSON properties) writes,
    /// without building a map first.
    pub fn serialize_attributes<M: SerializeMap>(
        &self,
        m: &mut M,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        self.write_fields(m, false, keep)
    }

    /// The one list of the JSON fields, in the order they have always
    /// been written.
    fn write_fields<M: SerializeMap>(
        &self,
        m: &mut M,
        point: bool,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<(), M::Error> {
        // A value is only computed when its field is kept.
        macro_rules! field {
            ($k:literal, $v:expr) => {
                if keep($k) {
                    m.serialize_entry($k, &$v)?;
                }
            };
        }
        let p = self.place.as_ref();
        field!("id", self.id);
        field!("type", self.event_type);
        field!("date", self.date);
        field!("date_precision", self.date_precision);
        field!("date_text", self.date_text);
        field!("place_id", p.map(|p| &p.id));
        field!("place_ar", p.map(|p| &p.name_ar));
        field!("place_en", p.and_then(|p| p.name_en.as_ref()));
        field!("admin1", p.and_then(|p| p.admin1.as_ref()));
        field!("admin2", p.and_then(|p| p.admin2.as_ref()));
        if point {
            field!("lat", p.map(|p| p.lat));
            field!("lon", p.map(|p| p.lon));
        }
        field!("geo_precision", self.geo_precision);
        field!("actors", self.actors);
        field!("targets", self.targets);
        field!("people", self.people);
        field!("killed", self.counts.killed);
        field!("injured", self.counts.injured);
        field!("arrested", self.counts.arrested);
        field!(
            "count_qualifiers",
            crate::counts::QualifierMap(&self.counts)
        );
        // f64 on the wire: an f32 widened in JSON reads 0.800000011920929.
        field!(
            "confidence",
            (f64::from(self.confidence) * 1000.0).round() / 1000.0
        );
        field!("source_count", self.source_count);
        field!("status", self.status);
        if !self.sources.is_empty() {
            field!("sources", self.sources);
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Incident {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Wire::deserialize(d)?;
        let place = match (w.place_id, w.lat, w.lon) {
            (id, Some(lat), Some(lon)) => Some(Place {
                id: id.unwrap_or_default(),
                name_ar: w.place_ar.unwrap_or_default(),
                name_en: w.place_en,
                admin1: w.admin1,
                admin2: w.admin2,
                lat,
                lon,
            }),
            _ => None,
        };
        Ok(Incident {
            id: w.id,
            event_type: w.event_type,
            date: w.date,
            date_precision: w.date_precision,
            date_text: w.date_text,
            place,
            geo_precision: w.geo_precision,
            actors: w.actors,
            targets: w.targets,
            people: w.people,
            counts: Counts::from_parts(w.killed, w.injured, w.arrested, &w.count_qualifiers),
            confidence: w.confidence as f32,
            source_count: w.source_count,
            reported: None,
            sources: w.sources,
            status: w.status,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{ActorKind, CountKind};

    fn place(id: &str, lat: f64, lon: f64) -> Place {
        Place {
            id: id.into(),
            name_ar: id.into(),
            name_en: Some(id.into()),
            admin1: Some("Deir ez-Zor".into()),
            admin2: None,
            lat,
            lon,
        }
    }

    fn report(ty: EventType, at: Option<Place>, date: Option<&str>, p: DatePrecision) -> Incident {
        Incident {
            id: "x".into(),
            event_type: ty,
            date: date.map(|d| d.parse().unwrap()),
            date_precision: p,
            date_text: None,
            place: at,
            geo_precision: GeoPrecision::PLACE,
            actors: Vec::new(),
            targets: Vec::new(),
            people: Vec::new(),
            counts: Counts::default(),
            confidence: 0.6,
            source_count: 1,
            reported: None,
            sources: Vec::new(),
            status: Default::default(),
        }
    }

    fn reported(mut i: Incident, day: &str) -> Incident {
        i.reported = Some(day.parse().unwrap());
        i
    }

    const DAY: DatePrecision = DatePrecision::Day;
    const WEEK: DatePrecision = DatePrecision::Week;

    #[test]
    fn the_same_incident_rule() {
        use EventType::*;
        let bukamal = || Some(place("bukamal", 34.4537, 40.9186));
        // The seat of the subdistrict, 1 km from the town point.
        let bukamal_seat = || Some(place("bukamal-seat", 34.4620, 40.9230));
        let hari = || Some(place("hari", 34.4040, 41.0170));
        let cases: &[(&str, Incident, Incident, Scope, bool)] = &[
            (
                "one strike told by two outlets, a day apart",
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                report(Airstrike, bukamal_seat(), Some("2024-03-06"), DAY),
                Scope::Articles,
                true,
            ),
            (
                "two strikes the same night on two villages",
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                report(Airstrike, hari(), Some("2024-03-05"), DAY),
                Scope::Articles,
                false,
            ),
            (
                "a strike and a clash at one place on one day",
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                report(ArmedClash, bukamal(), Some("2024-03-05"), DAY),
                Scope::Articles,
                false,
            ),
            (
                "undated reports never merge across articles",
                report(Airstrike, bukamal(), None, DatePrecision::Unknown),
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                Scope::Articles,
                false,
            ),
            (
                "an undated report and a dated one of the day before it was published",
                reported(
                    report(Airstrike, bukamal(), None, DatePrecision::Unknown),
                    "2024-03-06",
                ),
                report(Airstrike, bukamal_seat(), Some("2024-03-05"), DAY),
                Scope::Articles,
                true,
            ),
            (
                "an undated report published two weeks after a dated one",
                reported(
                    report(Airstrike, bukamal(), None, DatePrecision::Unknown),
                    "2024-03-19",
                ),
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                Scope::Articles,
                false,
            ),
            (
                "two undated reports published the same day",
                reported(
                    report(Shelling, bukamal(), None, DatePrecision::Unknown),
                    "2024-03-06",
                ),
                reported(
                    report(Shelling, bukamal(), None, DatePrecision::Unknown),
                    "2024-03-06",
                ),
                Scope::Articles,
                true,
            ),
            (
                "two undated reports published ten days apart",
                reported(
                    report(Shelling, bukamal(), None, DatePrecision::Unknown),
                    "2024-03-06",
                ),
                reported(
                    report(Shelling, bukamal(), None, DatePrecision::Unknown),
                    "2024-03-16",
                ),
                Scope::Articles,
                false,
            ),
            (
                "two undated reports of one town published four days apart",
                reported(
                    report(Shelling, bukamal(), None, DatePrecision::Unknown),
                    "2024-03-06",
                ),
                reported(
                    report(Shelling, bukamal(), None, DatePrecision::Unknown),
                    "2024-03-10",
                ),
                Scope::Articles,
                false,
            ),
            (
                "an undated report at a village a few km away",
                reported(
                    report(Airstrike, hari(), None, DatePrecision::Unknown),
                    "2024-03-06",
                ),
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                Scope::Articles,
                false,
            ),
            (
                "one outlet's air strike is another's shelling",
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                report(Shelling, bukamal(), Some("2024-03-05"), DAY),
                Scope::Articles,
                true,
            ),
            (
                "a report whose type was not read",
                report(Other, bukamal(), Some("2024-03-05"), DAY),
                report(RaidArrest, bukamal(), Some("2024-03-05"), DAY),
                Scope::Articles,
                true,
            ),
            (
                "within one article, a strike and shelling stay two",
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                report(Shelling, bukamal(), Some("2024-03-05"), DAY),
                Scope::Article,
                false,
            ),
            (
                "an undated sentence belongs to its article's dated one",
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                report(Airstrike, bukamal(), None, DatePrecision::Unknown),
                Scope::Article,
                true,
            ),
            (
                "«last week» five days before a dated report",
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                report(Airstrike, bukamal(), Some("2024-02-29"), WEEK),
                Scope::Articles,
                true,
            ),
            (
                "two days apart, both known to the day",
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                report(Airstrike, bukamal(), Some("2024-03-07"), DAY),
                Scope::Articles,
                false,
            ),
            (
                "within one article, nearby places stay apart",
                report(Airstrike, bukamal(), Some("2024-03-05"), DAY),
                report(Airstrike, bukamal_seat(), Some("2024-03-05"), DAY),
                Scope::Article,
                false,
            ),
            (
                "no place, no merge",
                report(Airstrike, None, Some("2024-03-05"), DAY),
                report(Airstrike, None, Some("2024-03-05"), DAY),
                Scope::Article,
                false,
            ),
        ];
        for (what, a, b, scope, expected) in cases {
            assert_eq!(same_incident(a, b, *scope), *expected, "{what}");
            assert_eq!(same_incident(b, a, *scope), *expected, "{what} (reversed)");
        }
    }

    fn with_toll(mut i: Incident, killed: Option<u32>, q: Qualifier) -> Incident {
        i.counts.killed = killed;
        i.counts.killed_q = q;
        i
    }

    #[test]
    fn absorbing_a_report() {
        let at = || Some(place("bukamal", 34.4537, 40.9186));
        let first = with_toll(
            report(EventType::Airstrike, at(), Some("2024-03-01"), WEEK),
            Some(3),
            Qualifier::Exact,
        );
        let mut second = with_toll(
            report(EventType::Airstrike, at(), Some("2024-03-05"), DAY),
            Some(7),
            Qualifier::AtLeast,
        );
        let irgc = Actor {
            id: "irgc".into(),
            name_ar: "الحرس الثوري".into(),
            name_en: "IRGC".into(),
            kind: ActorKind::ForeignStateForce,
        };
        second.targets.push(irgc.clone());

        // Across articles: the larger toll and the day-precise date win.
        let mut merged = first.clone();
        merged.absorb(&second, Scope::Articles);
        assert_eq!(
            merged.counts.get(CountKind::Killed),
            (Some(7), Qualifier::AtLeast)
        );
        assert_eq!(merged.date_precision, DAY);
        assert_eq!(merged.date.unwrap().to_string(), "2024-03-05");
        assert_eq!(merged.source_count, 2);
        assert_eq!(merged.targets, vec![irgc.clone()]);
        assert!(merged.confidence > 0.6 && merged.confidence <= 0.99);

        // Within an article: the lead figure and the lead date stay.
        let mut lead = first.clone();
        lead.absorb(&second, Scope::Article);
        assert_eq!(
            lead.counts.get(CountKind::Killed),
            (Some(3), Qualifier::Exact)
        );
        assert_eq!(lead.date.unwrap().to_string(), "2024-03-01");
        assert_eq!(lead.source_count, 1);
        assert!((lead.confidence - 0.6).abs() < 1e-6);

        // A type read replaces one that was not; the first report's day stays.
        let mut unread = reported(
            report(EventType::Other, at(), None, DatePrecision::Unknown),
            "2024-03-07",
        );
        unread.absorb(&reported(second.clone(), "2024-03-06"), Scope::Articles);
        assert_eq!(unread.event_type, EventType::Airstrike);
        assert_eq!(unread.reported.unwrap().to_string(), "2024-03-06");
        assert_eq!(unread.date.unwrap().to_string(), "2024-03-05");

        // A target is never also an actor.
        let mut as_actor = second.clone();
        as_actor.targets.clear();
        as_actor.actors.push(irgc);
        merged.absorb(&as_actor, Scope::Articles);
        assert!(merged.actors.is_empty());
    }

    #[test]
    fn json_keeps_the_flat_shape() {
        let mut i = with_toll(
            report(
                EventType::DroneStrike,
                Some(place("bukamal", 34.4537, 40.9186)),
                Some("2024-03-05"),
                DAY,
            ),
            None,
            Qualifier::Tens,
        );
        i.counts.injured = Some(4);
        let v = serde_json::to_value(&i).unwrap();
        assert_eq!(v["type"], "drone_strike");
        assert_eq!(v["place_id"], "bukamal");
        assert_eq!(v["lat"], 34.4537);
        assert_eq!(v["geo_precision"], 1);
        assert_eq!(v["count_qualifiers"], serde_json::json!({"killed": "tens"}));
        assert!(v.get("sources").is_none());
        let back: Incident = serde_json::from_value(v).unwrap();
        assert_eq!(back, i);
    }
}
