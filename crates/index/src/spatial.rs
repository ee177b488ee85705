use std::cmp::Ordering;
use std::ops::Range;

use geo::{Distance, Haversine, Point};
use rstar::{
    Envelope, ParentNode, RStarInsertionStrategy, RTree, RTreeNode, RTreeParams, SelectionFunction,
    AABB,
};
use rustc_hash::FxHashMap;

use marsad_model::{EventType, GeoPrecision, IncidentQuery, Sort};

use crate::actors::ActorSets;
use crate::entry::{date_of, day_of, kind_of, Entry, Filter, NO_DAY};
use crate::ids::Ids;
use crate::pyramid::{Grouped, Pyramid, Tally};
use crate::IncidentPoint;

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Incident id.
    pub id: String,
    /// Geodesic distance from the query point, km (radius and nearest).
    pub distance_km: Option<f64>,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// How many incidents matched in all.
    pub total: usize,
    /// This page.
    pub hits: Vec<Hit>,
}

/// Where a query looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Region {
    /// Within `km` (geodesic) of (`lat`, `lon`).
    Radius {
        /// Latitude of the centre.
        lat: f64,
        /// Longitude of the centre.
        lon: f64,
        /// Radius, km.
        km: f64,
    },
    /// Inside `[min_lon, min_lat, max_lon, max_lat]` (across the
    /// antimeridian when min_lon exceeds max_lon).
    Bbox([f64; 4]),
    /// Everywhere.
    All,
}

/// The incidents a query selects, in order, as the index's numbers for
/// them: 4 bytes each, so a selection of a million takes 4 MB while its
/// records are read and written a chunk at a time.
#[derive(Debug, Clone)]
pub struct Selected {
    keys: Vec<u32>,
    centre: Option<(f64, f64)>,
    /// The index the numbers belong to.
    index: u64,
    /// The order they are in.
    sort: Sort,
    /// Their days, in a date order: what finds a place in it.
    days: Vec<i32>,
}

/// Where a page of a selection in a date order ends: the last incident's
/// date and id. The next page starts after it, wherever the selection put
/// it meanwhile (a keyset, not an offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    /// Its date (`None`: undated, which sort last).
    pub date: Option<chrono::NaiveDate>,
    /// Its id.
    pub id: String,
}

impl Selected {
    /// How many incidents were selected.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when none were.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Where the selection's incidents that come after `after` start, in
    /// its date order; `None` if it is in another order or `ix` is not the
    /// index that made it. A binary search: the cost of a page does not
    /// grow with its depth.
    pub fn position_after(&self, ix: &SpatialIndex, after: &After) -> Option<usize> {
        let asc = match self.sort {
            Sort::DateAsc => true,
            Sort::DateDesc => false,
            Sort::Distance | Sort::Confidence => return None,
        };
        if ix.identity != self.index {
            return None;
        }
        let day = day_of(after.date);
        // The first position whose incident comes after `after`.
        let (mut lo, mut hi) = (0, self.keys.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let here = (self.days[mid], ix.ids.get(self.keys[mid]));
            if date_order(here, (day, &after.id), asc) == Ordering::Greater {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo)
    }

    /// The last incident of `range` as [`After`] names it (for a `next`
    /// link); `None` for an empty range or another order.
    pub fn after_at(&self, ix: &SpatialIndex, position: usize) -> Option<After> {
        if ix.identity != self.index || self.days.is_empty() {
            return None;
        }
        let key = *self.keys.get(position)?;
        Some(After {
            date: date_of(self.days[position]),
            id: ix.ids.get(key).to_string(),
        })
    }

    /// Hits `range` of the selection (clamped to it), with distances from
    /// the centre of a radius; `None` if `ix` is not the index that made
    /// the selection (it was rebuilt since). An incident updated since
    /// keeps its place in the order and is measured where it is now.
    pub fn hits(&self, ix: &SpatialIndex, range: std::ops::Range<usize>) -> Option<Vec<Hit>> {
        if ix.identity != self.index {
            return None;
        }
        let end = range.end.min(self.keys.len());
        let start = range.start.min(end);
        let hits = self.keys[start..end]
            .iter()
            .map(|&key| {
                let [lon, lat] = ix.at[key as usize];
                Hit {
                    id: ix.ids.get(key).to_string(),
                    distance_km: self.centre.map(|(clat, clon)| km(clat, clon, lat, lon)),
                }
            })
            .collect();
        Some(hits)
    }
}

/// The date orders on (day, id): by day, undated last, ids breaking ties.
fn date_order(a: (i32, &str), b: (i32, &str), asc: bool) -> Ordering {
    match (a.0 != NO_DAY, b.0 != NO_DAY) {
        (true, true) => if asc { a.0.cmp(&b.0) } else { b.0.cmp(&a.0) }.then_with(|| a.1.cmp(b.1)),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.1.cmp(b.1),
    }
}

/// Nodes of up to 24 entries: bulk loading fills them, so a million
/// incidents need about 45,000 nodes above the entries, and a radius
/// query visits fewer nodes than with rstar's default of 6.
pub(crate) struct Params;

impl RTreeParams for Params {
    const MIN_SIZE: usize = 8;
    const MAX_SIZE: usize = 24;
    const REINSERTION_COUNT: usize = 6;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// An incident as the index holds it: what tiles and aggregates need.
#[derive(Clone, Copy)]
pub struct Found<'a> {
    /// Where the id is: looked up only when asked for, since a cluster of
    /// a million needs none and each lookup is a trip to memory.
    ids: &'a Ids,
    key: u32,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// What happened.
    pub event_type: EventType,
    /// Date, if known.
    pub date: Option<chrono::NaiveDate>,
    /// Confidence.
    pub confidence: f32,
    /// ACLED geo precision.
    pub geo_precision: GeoPrecision,
}

impl<'a> Found<'a> {
    /// Incident id.
    pub fn id(&self) -> &'a str {
        self.ids.get(self.key)
    }
}

impl std::fmt::Debug for Found<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Found")
            .field("id", &self.id())
            .field("lat", &self.lat)
            .field("lon", &self.lon)
            .field("event_type", &self.event_type)
            .field("date", &self.date)
            .finish_non_exhaustive()
    }
}

/// Incidents by type (place in [`EventType::ALL`]): the undated, and the
/// dated by day, in date order (days without any left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    /// Undated incidents by type.
    pub undated: [usize; EventType::ALL.len()],
    /// Dated incidents by day and type.
    pub dated: Vec<(chrono::NaiveDate, [usize; EventType::ALL.len()])>,
}

impl DayCounts {
    /// Incidents by type, dated and undated together.
    pub fn by_type(&self) -> [usize; EventType::ALL.len()] {
        let mut sum = self.undated;
        for (_, n) in &self.dated {
            sum.iter_mut().zip(n).for_each(|(s, n)| *s += n);
        }
        sum
    }
}

/// Where and when the indexed incidents are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    /// `[west, south, east, north]`.
    pub bbox: [f64; 4],
    /// The first and last dates, if any incident is dated.
    pub dates: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

/// The R-tree of compact entries, the interned ids and actor sets, and
/// where each incident is (to find its entry again for an update).
pub struct SpatialIndex {
    tree: RTree<Entry, Params>,
    generation: u64,
    /// Fixed when the index is made: what [`Selected`] keys belong to.
    identity: u64,
    ids: Ids,
    at: Vec<[f64; 2]>,
    actors: ActorSets,
    /// Counts by cell for tiles at low zooms, kept with the tree.
    pyramid: Pyramid,
}

impl Default for SpatialIndex {
    fn default() -> Self {
        SpatialIndex {
            tree: RTree::new_with_params(),
            generation: next_generation(),
            identity: next_generation(),
            ids: Ids::default(),
            at: Vec::new(),
            actors: ActorSets::default(),
            pyramid: Pyramid::default(),
        }
    }
}

impl std::fmt::Debug for SpatialIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpatialIndex")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

/// Generations are never reused in a process, even across indexes.
fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Mean Earth radius used by `geo`'s haversine, km.
const EARTH_KM: f64 = 6371.0088;

fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    Haversine.distance(Point::new(lon1, lat1), Point::new(lon2, lat2)) / 1000.0
}

/// An entry found, with its distance if it was measured.
type Candidate<'a> = (&'a Entry, Option<f64>);

/// Where an entry comes in a date order: dated ones by day (the latest
/// first unless `asc`), then the undated.
fn day_rank(e: &Entry, asc: bool) -> i64 {
    match (e.day, asc) {
        (NO_DAY, _) => i64::MAX,
        (d, true) => i64::from(d),
        (d, false) => -i64::from(d),
    }
}

/// The first `end` of `found` in date order, unordered: selected on the
/// day alone (integers), comparing ids only among the entries of the day
/// the page ends on, where ties are decided.
fn select_by_day<'a>(
    mut found: Vec<Candidate<'a>>,
    end: usize,
    asc: bool,
    by_id: impl Fn(&Entry, &Entry) -> Ordering,
) -> Vec<Candidate<'a>> {
    let rank = |c: &Candidate<'_>| day_rank(c.0, asc);
    found.select_nth_unstable_by_key(end - 1, rank);
    let last = rank(&found[end - 1]);
    let mut ties: Vec<Candidate<'a>> = found.iter().filter(|c| rank(c) == last).copied().collect();
    found.truncate(end);
    found.retain(|c| rank(c) < last);
    let wanted = end - found.len();
    if wanted < ties.len() {
        ties.select_nth_unstable_by(wanted - 1, |a, b| by_id(a.0, b.0));
        ties.truncate(wanted);
    }
    found.extend(ties);
    found
}

/// Measures a hit taken without measuring, when there is a centre.
fn measure((e, d): &mut (&Entry, Option<f64>), centre: Option<(f64, f64)>) {
    if let (None, Some((lat, lon))) = (*d, centre) {
        *d = Some(km(lat, lon, e.lat, e.lon));
    }
}

/// Envelopes (more than one across the antimeridian) that hold every point
/// within `radius_km` of (lat, lon).
fn radius_envelopes(lat: f64, lon: f64, radius_km: f64) -> Vec<AABB<[f64; 2]>> {
    // Latitude span is exact on a sphere; widen by a hair for rounding.
    let dlat = (radius_km / EARTH_KM).to_degrees() * 1.000_001 + 1e-9;
    let (lat_lo, lat_hi) = ((lat - dlat).max(-90.0), (lat + dlat).min(90.0));
    // Near a pole, or a radius reaching round the globe: every longitude.
    let max_abs_lat = lat_lo.abs().max(lat_hi.abs());
    if max_abs_lat >= 89.999 || radius_km >= EARTH_KM * std::f64::consts::PI / 2.0 {
        return vec![AABB::from_corners([-180.0, lat_lo], [180.0, lat_hi])];
    }
    // Longitude span at the latitude where it is widest (the edge nearer the pole).
    let ang = radius_km / EARTH_KM;
    let dlon = (ang.sin() / max_abs_lat.to_radians().cos())
        .clamp(-1.0, 1.0)
        .asin()
        .to_degrees()
        * 1.000_001
        + 1e-9;
    if dlon >= 180.0 {
        return vec![AABB::from_corners([-180.0, lat_lo], [180.0, lat_hi])];
    }
    let (lo, hi) = (lon - dlon, lon + dlon);
    let mut out = vec![AABB::from_corners(
        [lo.max(-180.0), lat_lo],
        [hi.min(180.0), lat_hi],
    )];
    if lo < -180.0 {
        out.push(AABB::from_corners([lo + 360.0, lat_lo], [180.0, lat_hi]));
    }
    if hi > 180.0 {
        out.push(AABB::from_corners([-180.0, lat_lo], [hi - 360.0, lat_hi]));
    }
    out
}

/// The corners (degrees from east) of the rectangles inscribed in a
/// circle: together they cover about 85% of it, the square alone 64%.
const INSCRIBED_AT: [f64; 3] = [45.0, 22.5, 67.5];

/// A radius query: its centre, radius and the envelopes that hold it.
struct Circle {
    lat: f64,
    lon: f64,
    radius_km: f64,
    envelopes: Vec<AABB<[f64; 2]>>,
    /// Boxes wholly inside the circle (their corners measured): points and
    /// nodes in one need no distance check.
    inner: Vec<AABB<[f64; 2]>>,
    /// Bounds that decide most of the other points without measuring.
    band: Option<Band>,
}

/// Bounds on a point's angular distance from the centre that cost a few
/// multiplications: only points within a hair of the edge (about 0.3% of
/// the radius at 35° N) are left to measure.
///
/// On a sphere, hav θ = hav Δφ + cos φ₀ cos φ hav Δλ (hav x = sin²(x/2)).
/// Within the circle's envelope cos φ lies in `[cos_lo, cos_hi]`, and for
/// small x, x²/4 · (1 − x²/12) ≤ hav x ≤ x²/4. So with
/// q = Δφ² + c Δλ²: a point is inside if q with c = cos φ₀ · cos_hi is at
/// most θᵣ² (1 − θᵣ²/12), and outside if q with c = cos φ₀ · cos_lo, times
/// (1 − m²/12) for the largest Δ m, is more than θᵣ².
#[derive(Debug, Clone, Copy)]
struct Band {
    lat: f64,
    lon: f64,
    c_inside: f64,
    c_outside: f64,
    inside_below: f64,
    outside_above: f64,
    shrink: f64,
}

impl Band {
    /// Bounds for a circle that crosses neither a pole nor the
    /// antimeridian, small enough for the series to be tight.
    fn new(lat: f64, lon: f64, radius_km: f64, envelope: &AABB<[f64; 2]>) -> Option<Self> {
        if radius_km > 1000.0 {
            return None;
        }
        let ([w, s], [e, n]) = (envelope.lower(), envelope.upper());
        if s.abs() >= 89.0 || n.abs() >= 89.0 {
            return None;
        }
        let (near_equator, far) = if s <= 0.0 && n >= 0.0 {
            (0.0, s.abs().max(n.abs()))
        } else {
            (s.abs().min(n.abs()), s.abs().max(n.abs()))
        };
        let cos0 = lat.to_radians().cos();
        let theta = radius_km / EARTH_KM;
        let m = (n - s).max(e - w).to_radians();
        // A margin far above rounding, far below the band itself.
        const SAFE: f64 = 1e-9;
        Some(Band {
            lat,
            lon,
            c_inside: cos0 * near_equator.to_radians().cos(),
            c_outside: cos0 * far.to_radians().cos(),
            inside_below: theta * theta * (1.0 - theta * theta / 12.0) * (1.0 - SAFE),
            outside_above: theta * theta * (1.0 + SAFE),
            shrink: 1.0 - m * m / 12.0,
        })
    }

    /// `Some(inside)` when the bounds decide, `None` when the point must be
    /// measured.
    fn decide(&self, e: &Entry) -> Option<bool> {
        let dphi = (e.lat - self.lat).to_radians();
        let dlam = (e.lon - self.lon).to_radians();
        let (p2, l2) = (dphi * dphi, dlam * dlam);
        if p2 + self.c_inside * l2 <= self.inside_below {
            Some(true)
        } else if (p2 + self.c_outside * l2) * self.shrink > self.outside_above {
            Some(false)
        } else {
            None
        }
    }
}

impl Circle {
    fn new(lat: f64, lon: f64, radius_km: f64) -> Self {
        let mut circle = Circle {
            lat,
            lon,
            radius_km,
            envelopes: radius_envelopes(lat, lon, radius_km),
            inner: Vec::new(),
            band: None,
        };
        if let [envelope] = circle.envelopes.as_slice() {
            circle.band = Band::new(lat, lon, radius_km, envelope);
        }
        circle.inner = INSCRIBED_AT
            .iter()
            .filter_map(|&a| circle.inscribed_box(a))
            .collect();
        circle
    }

    /// The rectangle inscribed in the circle with a corner at `angle`
    /// (degrees from east), in degrees, shrunk until its corners measure
    /// inside: on a sphere, the point of a latitude-longitude box farthest
    /// from a centre inside it is a corner.
    fn inscribed_box(&self, angle: f64) -> Option<AABB<[f64; 2]>> {
        if self.envelopes.len() != 1 || self.radius_km >= EARTH_KM {
            return None;
        }
        let radius = (self.radius_km / EARTH_KM).to_degrees();
        let (mut half_lat, mut half_lon) = (
            radius * angle.to_radians().sin(),
            radius * angle.to_radians().cos(),
        );
        for _ in 0..8 {
            let lat_hi = (self.lat.abs() + half_lat).min(89.0);
            let dlon = half_lon / lat_hi.to_radians().cos();
            let b = AABB::from_corners(
                [self.lon - dlon, self.lat - half_lat],
                [self.lon + dlon, self.lat + half_lat],
            );
            if self.envelopes[0].contains_envelope(&b) && self.corners_inside(&b) {
                return Some(b);
            }
            half_lat *= 0.95;
            half_lon *= 0.95;
        }
        None
    }

    /// Whether the four corners of `env` measure inside. The corner
    /// farthest from the centre (in longitude, and nearer the pole) is
    /// measured first: for a node across the edge it is the one outside,
    /// and one measurement decides.
    fn corners_inside(&self, env: &AABB<[f64; 2]>) -> bool {
        let ([w, s], [e, n]) = (env.lower(), env.upper());
        let (far_lon, near_lon) = if (w - self.lon).abs() > (e - self.lon).abs() {
            (w, e)
        } else {
            (e, w)
        };
        let (far_lat, near_lat) = if s.abs() > n.abs() { (s, n) } else { (n, s) };
        [
            (far_lat, far_lon),
            (near_lat, far_lon),
            (far_lat, near_lon),
            (near_lat, near_lon),
        ]
        .iter()
        .all(|&(lat, lon)| km(self.lat, self.lon, lat, lon) <= self.radius_km)
    }

    /// Whether a point is inside, if that is known without measuring it.
    fn decide(&self, e: &Entry) -> Option<bool> {
        if self.inner.iter().any(|b| b.contains_point(&[e.lon, e.lat])) {
            return Some(true);
        }
        if !self.may_hold(&AABB::from_point([e.lon, e.lat])) {
            return Some(false);
        }
        self.band.and_then(|b| b.decide(e))
    }

    fn km(&self, e: &Entry) -> f64 {
        km(self.lat, self.lon, e.lat, e.lon)
    }

    fn may_hold(&self, env: &AABB<[f64; 2]>) -> bool {
        self.envelopes.iter().any(|c| c.intersects(env))
    }

    /// Whether every point of `env` is inside: then its entries need no
    /// distance check. On a sphere the point of a latitude-longitude box
    /// farthest from a centre outside its antipode is a corner.
    fn covers(&self, env: &AABB<[f64; 2]>) -> bool {
        if self.inner.iter().any(|b| b.contains_envelope(env)) {
            return true;
        }
        self.envelopes.len() == 1
            && self.radius_km < EARTH_KM
            && self.envelopes[0].contains_envelope(env)
            && self.corners_inside(env)
    }
}

/// Finds one entry by its key at a known point (for updates).
struct AtKey {
    point: [f64; 2],
    key: u32,
}

impl SelectionFunction<Entry> for AtKey {
    fn should_unpack_parent(&self, envelope: &AABB<[f64; 2]>) -> bool {
        envelope.contains_point(&self.point)
    }

    fn should_unpack_leaf(&self, leaf: &Entry) -> bool {
        leaf.key == self.key
    }
}

/// Every entry under `node` that passes `filter`.
fn collect_all<'a>(
    node: &'a ParentNode<Entry>,
    filter: &Filter,
    out: &mut Vec<(&'a Entry, Option<f64>)>,
) {
    for child in node.children() {
        match child {
            RTreeNode::Leaf(e) => {
                if filter.admits(e) {
                    out.push((e, None));
                }
            }
            RTreeNode::Parent(p) => collect_all(p, filter, out),
        }
    }
}

/// Every entry under `node` inside `env` that passes `filter`: nodes
/// wholly inside are taken without testing each point.
fn collect_in_box<'a>(
    node: &'a ParentNode<Entry>,
    env: &AABB<[f64; 2]>,
    filter: &Filter,
    out: &mut Vec<Candidate<'a>>,
) {
    for child in node.children() {
        match child {
            RTreeNode::Leaf(e) => {
                if env.contains_point(&[e.lon, e.lat]) && filter.admits(e) {
                    out.push((e, None));
                }
            }
            RTreeNode::Parent(p) => {
                let pe = p.envelope();
                if env.contains_envelope(&pe) {
                    collect_all(p, filter, out);
                } else if env.intersects(&pe) {
                    collect_in_box(p, env, filter, out);
                }
            }
        }
    }
}

/// How many entries under `node` pass `filter`. Without a filter a node
/// of entries counts by its length.
fn count_all(node: &ParentNode<Entry>, filter: &Filter) -> usize {
    let all = filter.admits_all();
    // An R-tree keeps every entry at one depth: a node holds entries only
    // or nodes only, and one of entries counts by its length.
    if all && matches!(node.children().first(), Some(RTreeNode::Leaf(_))) {
        return node.children().len();
    }
    node.children()
        .iter()
        .map(|child| match child {
            RTreeNode::Leaf(e) => usize::from(all || filter.admits(e)),
            RTreeNode::Parent(p) => count_all(p, filter),
        })
        .sum()
}

/// How many entries under `node` inside `circle` pass `filter`: only the
/// points of nodes across its edge are measured.
fn count_within(node: &ParentNode<Entry>, circle: &Circle, filter: &Filter) -> usize {
    let mut n = 0;
    for child in node.children() {
        match child {
            RTreeNode::Leaf(e) => {
                if filter.admits(e)
                    && circle
                        .decide(e)
                        .unwrap_or_else(|| circle.km(e) <= circle.radius_km)
                {
                    n += 1;
                }
            }
            RTreeNode::Parent(p) => {
                let env = p.envelope();
                if !circle.may_hold(&env) {
                    continue;
                }
                n += if circle.covers(&env) {
                    count_all(p, filter)
                } else {
                    count_within(p, circle, filter)
                };
            }
        }
    }
    n
}

/// Every entry under `node` inside `circle` that passes `filter`, with its
/// distance where it was measured: nodes wholly inside are taken without.
fn collect_within<'a>(
    node: &'a ParentNode<Entry>,
    circle: &Circle,
    filter: &Filter,
    out: &mut Vec<(&'a Entry, Option<f64>)>,
) {
    for child in node.children() {
        match child {
            RTreeNode::Leaf(e) => {
                if !filter.admits(e) {
                    continue;
                }
                match circle.decide(e) {
                    Some(true) => out.push((e, None)),
                    Some(false) => {}
                    None => {
                        let d = circle.km(e);
                        if d <= circle.radius_km {
                            out.push((e, Some(d)));
                        }
                    }
                }
            }
            RTreeNode::Parent(p) => {
                let env = p.envelope();
                if !circle.may_hold(&env) {
                    continue;
                }
                if circle.covers(&env) {
                    collect_all(p, filter, out);
                } else {
                    collect_within(p, circle, filter, out);
                }
            }
        }
    }
}

impl SpatialIndex {
    /// Builds the tree from all points at once (bulk load). A later point
    /// with the id of an earlier one replaces it.
    pub fn bulk_load(points: Vec<IncidentPoint>) -> Self {
        Self::build(|add| points.into_iter().for_each(add))
    }

    /// Builds the tree from points handed to `add` one at a time (from a
    /// database scan, say), keeping only their compact entries meanwhile.
    pub fn build(feed: impl FnOnce(&mut dyn FnMut(IncidentPoint))) -> Self {
        let mut ix = SpatialIndex::default();
        let mut entries: Vec<Entry> = Vec::new();
        feed(&mut |p| {
            let e = ix.entry(&p);
            match entries.get_mut(e.key as usize) {
                Some(old) => *old = e,
                None => entries.push(e),
            }
        });
        ix.at = entries.iter().map(|e| [e.lon, e.lat]).collect();
        ix.tree = RTree::bulk_load_with_params(entries);
        ix.pyramid = Pyramid::build(&ix.tree);
        ix.ids.shrink();
        ix.generation = next_generation();
        ix
    }

    /// What a snapshot keeps: the tree, the ids (text and ends), the actor
    /// sets (where each incident is, it finds in the tree).
    #[allow(clippy::type_complexity)]
    pub(crate) fn parts(
        &self,
    ) -> (
        &RTree<Entry, Params>,
        &str,
        &[u32],
        &[std::sync::Arc<[std::sync::Arc<str>]>],
    ) {
        let (text, ends) = self.ids.parts();
        (&self.tree, text, ends, self.actors.sets())
    }

    /// The index of a snapshot's parts (checked by the caller) and the
    /// pyramid of its tree; `None` if an actor set is there twice.
    pub(crate) fn from_parts(
        tree: RTree<Entry, Params>,
        ids: Ids,
        at: Vec<[f64; 2]>,
        actor_sets: Vec<Vec<String>>,
        pyramid: Pyramid,
    ) -> Option<Self> {
        Some(SpatialIndex {
            pyramid,
            tree,
            ids,
            at,
            actors: ActorSets::from_sets(actor_sets)?,
            ..SpatialIndex::default()
        })
    }

    /// The entry of a point, interning its id and actors.
    fn entry(&mut self, p: &IncidentPoint) -> Entry {
        Entry {
            lon: p.lon,
            lat: p.lat,
            key: self.ids.intern(&p.id),
            day: day_of(p.date),
            confidence: p.confidence,
            actors: self.actors.intern(&p.actors),
            kind: kind_of(p.event_type),
            precision: p.geo_precision.code(),
            status: crate::entry::status_of(p.status),
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Inserts a point, replacing the point with the same id.
    pub fn upsert(&mut self, p: IncidentPoint) {
        let e = self.entry(&p);
        let key = e.key as usize;
        if let Some(point) = self.at.get(key).copied() {
            let old = self
                .tree
                .remove_with_selection_function(AtKey { point, key: e.key });
            if let Some(old) = old {
                self.pyramid.remove(&old);
            }
            self.at[key] = [e.lon, e.lat];
        } else {
            self.at.push([e.lon, e.lat]);
        }
        self.pyramid.add(&e);
        self.tree.insert(e);
        self.generation = next_generation();
    }

    /// A number that changes whenever the index does, and is never the
    /// same for two states of any index in this process: a version for
    /// caches and `ETag`s.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The entry of an incident by number.
    fn entry_of(&self, key: u32) -> Option<&Entry> {
        let point = *self.at.get(key as usize)?;
        self.tree.locate_all_at_point(&point).find(|e| e.key == key)
    }

    /// The point of an incident.
    pub fn get(&self, id: &str) -> Option<IncidentPoint> {
        let e = self.entry_of(self.ids.find(id)?)?;
        Some(IncidentPoint {
            id: id.into(),
            lon: e.lon,
            lat: e.lat,
            event_type: e.event_type(),
            date: date_of(e.day),
            confidence: e.confidence,
            geo_precision: GeoPrecision::new(e.precision),
            actors: self.actors.get(e.actors),
            status: e.status(),
        })
    }

    fn found(&self, e: &Entry) -> Found<'_> {
        Found {
            ids: &self.ids,
            key: e.key,
            lat: e.lat,
            lon: e.lon,
            event_type: e.event_type(),
            date: date_of(e.day),
            confidence: e.confidence,
            geo_precision: GeoPrecision::new(e.precision),
        }
    }

    /// Calls `f` for every incident that passes the filter, inside `bbox`
    /// if one is given (across the antimeridian when its west exceeds its
    /// east), in no particular order.
    pub fn for_each<'a>(
        &'a self,
        bbox: Option<[f64; 4]>,
        filter: &IncidentQuery,
        mut f: impl FnMut(Found<'a>),
    ) {
        let flt = Filter::new(filter, &self.actors);
        match bbox {
            Some(b) => {
                for env in bbox_envelopes(b) {
                    for e in self.tree.locate_in_envelope(&env).filter(|e| flt.admits(e)) {
                        f(self.found(e));
                    }
                }
            }
            None => {
                for e in self.tree.iter().filter(|e| flt.admits(e)) {
                    f(self.found(e));
                }
            }
        }
    }

    /// Calls `f` with the longitude and latitude of every incident that
    /// passes the filter: [`SpatialIndex::for_each`] everywhere without
    /// making each a [`Found`] (whose date alone was a third of a count of
    /// distinct places).
    pub fn for_each_point(&self, filter: &IncidentQuery, mut f: impl FnMut(f64, f64)) {
        let flt = Filter::new(filter, &self.actors);
        for e in self.tree.iter().filter(|e| flt.admits(e)) {
            f(e.lon, e.lat);
        }
    }

    /// Calls `f` for every incident within `radius_km` (geodesic) of
    /// (lat, lon) that passes the filter, in no particular order.
    pub fn for_each_near<'a>(
        &'a self,
        lat: f64,
        lon: f64,
        radius_km: f64,
        filter: &IncidentQuery,
        mut f: impl FnMut(Found<'a>),
    ) {
        let region = Region::Radius {
            lat,
            lon,
            km: radius_km,
        };
        for (e, _) in self.find(region, filter).0 {
            f(self.found(e));
        }
    }

    /// What the incidents that pass the filter add up to in each cell of
    /// the Web Mercator grid at `level` in a window of `cols` × `rows`
    /// (row by row), with each cell's only incident when it has one:
    /// summed from the [`pyramid`](crate::pyramid) without visiting the
    /// incidents. `None` when it cannot answer: a level finer than
    /// [`pyramid::LEVEL`](crate::pyramid::LEVEL), a window of more than
    /// 65,536 cells, or a filter by actor, by expression or by a
    /// confidence between hundredths; the caller then visits the points.
    pub fn grid(
        &self,
        level: u32,
        cols: Range<u32>,
        rows: Range<u32>,
        filter: &IncidentQuery,
    ) -> Option<Vec<(Tally, Option<Found<'_>>)>> {
        let cells = cols.len().checked_mul(rows.len())?;
        if level > crate::pyramid::LEVEL || cells > 1 << 16 {
            return None;
        }
        let grouped = Grouped::new(&Filter::new(filter, &self.actors))?;
        let mut tallies = vec![(Tally::default(), 0u32); cells];
        self.pyramid
            .shares(level, &cols, &rows, &grouped, &self.at, |s| {
                let (t, xor) = &mut tallies[s.at];
                t.add(s.kind, s.count, s.sum_x, s.sum_y);
                *xor ^= s.xor;
            });
        let only = |(t, xor): &(Tally, u32)| {
            (t.count == 1)
                .then(|| self.entry_of(*xor).map(|e| self.found(e)))
                .flatten()
        };
        Some(tallies.iter().map(|c| (c.0, only(c))).collect())
    }

    /// The incidents that pass the filter, everywhere, by type and day,
    /// counted from the [`pyramid`](crate::pyramid) without visiting them;
    /// `None` for a filter it cannot apply (an actor, an expression, a
    /// confidence between hundredths).
    pub fn day_counts(&self, filter: &IncidentQuery) -> Option<DayCounts> {
        let grouped = Grouped::new(&Filter::new(filter, &self.actors))?;
        let mut undated = [0; EventType::ALL.len()];
        let mut days: FxHashMap<i32, [usize; EventType::ALL.len()]> = FxHashMap::default();
        self.pyramid.by_day(&grouped, |day, kind, n| match day {
            None => undated[kind] += n,
            Some(d) => days.entry(d).or_default()[kind] += n,
        });
        let mut dated: Vec<_> = days
            .into_iter()
            .filter_map(|(d, n)| Some((date_of(d)?, n)))
            .collect();
        dated.sort_unstable_by_key(|&(d, _)| d);
        Some(DayCounts { undated, dated })
    }

    /// Counts of points per event type that pass a filter.
    pub fn counts_by_type(&self, filter: &IncidentQuery) -> FxHashMap<EventType, usize> {
        let counts = self.day_counts(filter).map_or_else(
            || {
                let f = Filter::new(filter, &self.actors);
                let mut counts = [0usize; EventType::ALL.len()];
                for e in self.tree.iter().filter(|e| f.admits(e)) {
                    counts[usize::from(e.kind)] += 1;
                }
                counts
            },
            |c| c.by_type(),
        );
        EventType::ALL
            .iter()
            .zip(counts)
            .filter(|&(_, n)| n > 0)
            .map(|(&t, n)| (t, n))
            .collect()
    }

    /// The box around every point and the first and last dates, if any.
    pub fn extent(&self) -> Option<Extent> {
        if self.is_empty() {
            return None;
        }
        let env = self.tree.root().envelope();
        let (lo, hi) = (env.lower(), env.upper());
        // Seeded by the first dated entry, so no undated index, however
        // shaped, gives the fold's sentinels to `date_of`.
        let mut days = self.tree.iter().map(|e| e.day).filter(|&d| d != NO_DAY);
        let dates = days
            .next()
            .map(|d| days.fold((d, d), |(a, b), d| (a.min(d), b.max(d))))
            .and_then(|(first, last)| date_of(first).zip(date_of(last)));
        Some(Extent {
            bbox: [lo[0], lo[1], hi[0], hi[1]],
            dates,
        })
    }

    fn by_date(&self, a: &Entry, b: &Entry, asc: bool) -> Ordering {
        date_order(
            (a.day, self.ids.get(a.key)),
            (b.day, self.ids.get(b.key)),
            asc,
        )
    }

    /// Places `start..end` of `found` in `sort` order. Distances missing
    /// from entries taken without measuring are measured from `centre` for
    /// a distance order.
    fn ordered<'a>(
        &self,
        mut found: Vec<(&'a Entry, Option<f64>)>,
        centre: Option<(f64, f64)>,
        sort: Sort,
        start: usize,
        end: usize,
    ) -> Vec<(&'a Entry, Option<f64>)> {
        let end = end.min(found.len());
        if start >= end {
            return Vec::new();
        }
        if sort == Sort::Distance {
            found.iter_mut().for_each(|hit| measure(hit, centre));
        }
        let order = |a: &(&Entry, Option<f64>), b: &(&Entry, Option<f64>)| match sort {
            Sort::Distance => {
                a.1.unwrap_or(0.0)
                    .total_cmp(&b.1.unwrap_or(0.0))
                    .then_with(|| self.ids.get(a.0.key).cmp(self.ids.get(b.0.key)))
            }
            Sort::DateDesc => self.by_date(a.0, b.0, false),
            Sort::DateAsc => self.by_date(a.0, b.0, true),
            Sort::Confidence => {
                a.0.confidence
                    .total_cmp(&b.0.confidence)
                    .then_with(|| self.ids.get(a.0.key).cmp(self.ids.get(b.0.key)))
            }
        };
        // Only the page needs ordering: select what comes before `end`
        // (linear), then what comes before `start` within it (linear), and
        // sort the rest. The orders are total (ids break ties), so this is
        // the slice a full sort gives: a page deep in a large selection
        // costs two selections, not a sort of everything before it.
        if end < found.len() {
            if matches!(sort, Sort::Distance | Sort::Confidence) {
                found.select_nth_unstable_by(end - 1, order);
                found.truncate(end);
            } else {
                found = select_by_day(found, end, sort == Sort::DateAsc, |a, b| {
                    self.ids.get(a.key).cmp(self.ids.get(b.key))
                });
            }
        }
        if start > 0 {
            found.select_nth_unstable_by(start, order);
            found.drain(..start);
        }
        found.sort_unstable_by(order);
        found
    }

    /// The page `[offset, offset + limit)` of `found` in `sort` order, each
    /// hit with its distance from `centre` if there is one.
    fn page(
        &self,
        found: Vec<(&Entry, Option<f64>)>,
        centre: Option<(f64, f64)>,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Page {
        let total = found.len();
        let hits = self
            .ordered(found, centre, sort, offset, offset.saturating_add(limit))
            .into_iter()
            .map(|mut hit| {
                measure(&mut hit, centre);
                Hit {
                    id: self.ids.get(hit.0.key).to_string(),
                    distance_km: hit.1,
                }
            })
            .collect();
        Page { total, hits }
    }

    /// The entries of `region` that pass `filter`, with distances where
    /// they were measured, and the centre of a radius.
    fn find(
        &self,
        region: Region,
        filter: &IncidentQuery,
    ) -> (Vec<Candidate<'_>>, Option<(f64, f64)>) {
        let f = Filter::new(filter, &self.actors);
        match region {
            Region::Radius { lat, lon, km } => {
                let circle = Circle::new(lat, lon, km);
                let mut found = Vec::new();
                if circle.envelopes.len() == 1 {
                    collect_within(self.tree.root(), &circle, &f, &mut found);
                } else {
                    // Across the antimeridian: each point once, measured.
                    let mut seen = rustc_hash::FxHashSet::default();
                    for env in &circle.envelopes {
                        for e in self.tree.locate_in_envelope(env) {
                            if f.admits(e) && seen.insert(e.key) {
                                let d = circle.km(e);
                                if d <= km {
                                    found.push((e, Some(d)));
                                }
                            }
                        }
                    }
                }
                (found, Some((lat, lon)))
            }
            Region::Bbox(bbox) => {
                let mut found = Vec::new();
                for env in bbox_envelopes(bbox) {
                    collect_in_box(self.tree.root(), &env, &f, &mut found);
                }
                (found, None)
            }
            Region::All => {
                let mut found = Vec::new();
                collect_all(self.tree.root(), &f, &mut found);
                (found, None)
            }
        }
    }

    /// One page of the incidents in `region` that pass `filter`, in `sort`
    /// order, and how many there are in all.
    pub fn query(
        &self,
        region: Region,
        filter: &IncidentQuery,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Page {
        let end = offset.saturating_add(limit);
        if end == 0 {
            return Page {
                total: self.count(region, filter),
                hits: Vec::new(),
            };
        }
        if let (Region::Radius { lat, lon, km }, Sort::Distance) = (region, sort) {
            return self.nearest_page(lat, lon, km, filter, limit, offset);
        }
        let (found, centre) = self.find(region, filter);
        self.page(found, centre, sort, limit, offset)
    }

    /// How many incidents in `region` pass `filter`.
    pub fn count(&self, region: Region, filter: &IncidentQuery) -> usize {
        let f = Filter::new(filter, &self.actors);
        match region {
            Region::Radius { lat, lon, km } => {
                let circle = Circle::new(lat, lon, km);
                if circle.envelopes.len() == 1 {
                    count_within(self.tree.root(), &circle, &f)
                } else {
                    self.find(region, filter).0.len()
                }
            }
            Region::Bbox(_) => self.find(region, filter).0.len(),
            Region::All => count_all(self.tree.root(), &f),
        }
    }

    /// A page by distance within `km` of (lat, lon). The first `end` hits
    /// are those of the smallest circle that holds `end`: its radius is
    /// guessed from the number of hits (as if they were spread evenly) and
    /// widened until it holds them, so only the points of that circle are
    /// measured and ordered.
    fn nearest_page(
        &self,
        lat: f64,
        lon: f64,
        km: f64,
        filter: &IncidentQuery,
        limit: usize,
        offset: usize,
    ) -> Page {
        let whole = Region::Radius { lat, lon, km };
        // Counted, not collected: at ten million incidents a 25 km circle
        // holds 140,000, and collecting them to count them was half of a
        // radius page's time (nodes wholly inside count by their length).
        let total = self.count(whole, filter);
        let end = offset.saturating_add(limit).min(total);
        // Few hits (a narrow filter): measuring them all costs less than
        // guessing a smaller circle.
        if total <= end.saturating_mul(4) {
            let (found, centre) = self.find(whole, filter);
            return self.page(found, centre, Sort::Distance, limit, offset);
        }
        let mut r = km * ((end as f64 * 1.3 + 8.0) / total.max(1) as f64).sqrt();
        loop {
            if r >= km {
                let (found, centre) = self.find(whole, filter);
                return self.page(found, centre, Sort::Distance, limit, offset);
            }
            let (found, centre) = self.find(Region::Radius { lat, lon, km: r }, filter);
            if found.len() >= end {
                let page = self.page(found, centre, Sort::Distance, limit, offset);
                return Page { total, ..page };
            }
            r *= 1.5;
        }
    }

    /// Every incident in `region` that passes `filter`, in `sort` order, as
    /// 4 bytes each: what a download of any size walks through, a chunk
    /// at a time, with [`Selected::hits`].
    pub fn select(&self, region: Region, filter: &IncidentQuery, sort: Sort) -> Selected {
        let (found, centre) = self.find(region, filter);
        let ordered = self.ordered(found, centre, sort, 0, usize::MAX);
        let days = match sort {
            Sort::DateAsc | Sort::DateDesc => ordered.iter().map(|(e, _)| e.day).collect(),
            Sort::Distance | Sort::Confidence => Vec::new(),
        };
        Selected {
            keys: ordered.into_iter().map(|(e, _)| e.key).collect(),
            centre,
            index: self.identity,
            sort,
            days,
        }
    }

    /// Every incident within `radius_km` (geodesic) of (lat, lon) that
    /// passes the filter. Nodes of the tree wholly inside the circle are
    /// taken without measuring each point; a count (`limit` 0) measures
    /// only the points near the edge.
    #[allow(clippy::too_many_arguments)] // a point, a radius, a filter and a page: the query itself
    pub fn radius(
        &self,
        lat: f64,
        lon: f64,
        radius_km: f64,
        filter: &IncidentQuery,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Page {
        let region = Region::Radius {
            lat,
            lon,
            km: radius_km,
        };
        self.query(region, filter, sort, limit, offset)
    }

    /// Every incident inside `[min_lon, min_lat, max_lon, max_lat]` (a box
    /// whose min_lon exceeds max_lon crosses the antimeridian).
    pub fn bbox(
        &self,
        bbox: [f64; 4],
        filter: &IncidentQuery,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Page {
        self.query(Region::Bbox(bbox), filter, sort, limit, offset)
    }

    /// Every incident that passes the filter.
    pub fn all(&self, filter: &IncidentQuery, sort: Sort, limit: usize, offset: usize) -> Page {
        self.query(Region::All, filter, sort, limit, offset)
    }

    /// The `k` incidents nearest to (lat, lon) by geodesic distance that pass
    /// the filter: a radius search that widens until it holds `k`.
    pub fn nearest(&self, lat: f64, lon: f64, k: usize, filter: &IncidentQuery) -> Vec<Hit> {
        if k == 0 || self.is_empty() {
            return Vec::new();
        }
        let mut r = 10.0;
        loop {
            let page = self.radius(lat, lon, r, filter, Sort::Distance, k, 0);
            if page.total >= k || r >= EARTH_KM * std::f64::consts::PI {
                return page.hits;
            }
            r *= 4.0;
        }
    }
}

/// The envelopes of a box (two across the antimeridian).
fn bbox_envelopes([w, s, e, n]: [f64; 4]) -> Vec<AABB<[f64; 2]>> {
    if w <= e {
        vec![AABB::from_corners([w, s], [e, n])]
    } else {
        vec![
            AABB::from_corners([w, s], [180.0, n]),
            AABB::from_corners([-180.0, s], [e, n]),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_cross_the_antimeridian() {
        let e = radius_envelopes(0.0, 179.9, 50.0);
        assert_eq!(e.len(), 2);
        let e = radius_envelopes(89.9999, 0.0, 10.0);
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn upsert_replaces() {
        let mut ix = SpatialIndex::default();
        ix.upsert(IncidentPoint::new("a", 34.0, 40.0));
        ix.upsert(IncidentPoint::new("b", 34.0, 40.0));
        ix.upsert(IncidentPoint::new("a", 35.0, 41.0));
        assert_eq!(ix.len(), 2);
        assert_eq!(ix.get("a").unwrap().lat, 35.0);
        assert_eq!(ix.get("b").unwrap().lat, 34.0);
    }

    #[test]
    fn extent_of_empty_undated_and_one_sided_indexes() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().ok();
        let mut ix = SpatialIndex::default();
        assert_eq!(ix.extent(), None);
        ix.upsert(IncidentPoint::new("u", 34.0, 40.0));
        let undated = ix.extent().unwrap();
        assert_eq!(undated.bbox, [40.0, 34.0, 40.0, 34.0]);
        assert_eq!(undated.dates, None);
        ix.upsert(IncidentPoint::new("first", -90.0, -180.0).with_date(d("0000-01-01")));
        ix.upsert(IncidentPoint::new("last", 90.0, 180.0).with_date(d("9999-12-31")));
        let both = ix.extent().unwrap();
        assert_eq!(both.bbox, [-180.0, -90.0, 180.0, 90.0]);
        assert_eq!(both.dates, d("0000-01-01").zip(d("9999-12-31")));
    }

    #[test]
    fn day_numbers_without_a_date_have_none() {
        assert_eq!(date_of(NO_DAY), None);
        assert_eq!(date_of(i32::MAX), None);
        assert_eq!(date_of(0), chrono::NaiveDate::from_ymd_opt(1970, 1, 1));
    }
}
