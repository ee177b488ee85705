//! Counts on the Web Mercator grid, kept as incidents come and go, so a
//! map tile at a low zoom is summed from groups instead of cut from
//! millions of points.
//!
//! The grid is that of zoom 8's cluster cells (level [`LEVEL`], cells
//! about 20 km wide in Syria). Each cell keeps one group per week (Monday
//! to Sunday), event type, review status, geo precision and confidence in
//! hundredths: the number of its incidents, the sums of their positions
//! and the exclusive-or of their numbers, which is the number of the
//! incident when the group holds one. A coarser cell is the sum of its
//! groups. A date range that starts or ends inside a week takes those
//! days' incidents from a list by day, so every date filter is exact.
//! Incidents beyond the projection's latitudes, in no tile, are kept in a
//! cell of their own, so the same groups and days also count everything
//! by type and day (the map's legend and timeline).

use std::ops::Range;
use std::sync::LazyLock;

use pointy::{Pt, Transform};
use rstar::RTree;
use rustc_hash::FxHashMap;
use squarepeg::{MapGrid, Peg, WebMercatorPos, Wgs84Pos};

use marsad_model::{EventType, ReviewStatus};

use crate::entry::{Entry, Filter, NO_DAY};
use crate::spatial::Params;

/// The level of the grid the groups are kept on: `2^LEVEL` cells a side,
/// the cluster cells of zoom `LEVEL - 3` (tiles have 8 × 8 cells). A finer
/// grid holds about as many groups as incidents, spread evenly.
pub const LEVEL: u32 = 11;

/// From the world on the unit square to the tile grid.
static WORLD: LazyLock<Transform<f64>> = LazyLock::new(|| {
    let peg = Peg::new(0, 0, 0).unwrap_or_else(|| unreachable!("the world tile exists"));
    MapGrid::default().peg_transform(peg)
});

/// A point's place on the Web Mercator plane in fixed point, `2^32` units
/// a side, x from the antimeridian eastwards and y from the north edge
/// southwards; `None` beyond the projection's latitudes (±85.05°). Tiles
/// and their cells are cut on these integers, so each point falls in
/// exactly one tile and one cell of every zoom, whichever way the tile
/// is made.
pub fn world_xy(lon: f64, lat: f64) -> Option<(u32, u32)> {
    let p = *WORLD * Pt::from(WebMercatorPos::from(Wgs84Pos::new(lon, lat)));
    let fixed = |v: f64| {
        let v = v * 4_294_967_296.0;
        (0.0..4_294_967_296.0)
            .contains(&v)
            .then(|| v.floor() as u32)
    };
    Some((fixed(p.x)?, fixed(p.y)?))
}

/// What some incidents of one cell add up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many.
    pub count: u32,
    /// How many of each type, by place in `EventType::ALL`.
    pub by_type: [u32; EventType::ALL.len()],
    /// The sum of their [`world_xy`] x.
    pub sum_x: u64,
    /// The sum of their [`world_xy`] y.
    pub sum_y: u64,
}

impl Tally {
    /// Adds `count` incidents of type `kind` whose positions sum to
    /// (`sum_x`, `sum_y`).
    pub fn add(&mut self, kind: usize, count: u32, sum_x: u64, sum_y: u64) {
        self.count += count;
        self.by_type[kind] += count;
        self.sum_x += sum_x;
        self.sum_y += sum_y;
    }
}

/// The incidents of one week, type, status, precision and confidence step
/// in one cell.
#[derive(Debug, Clone, Copy)]
struct Group {
    /// The week's code above 32 bits, [`what`] in the lowest 16: groups
    /// sort by week.
    rank: u64,
    count: u32,
    /// Exclusive-or of the incidents' numbers.
    xor: u32,
    sum_x: u64,
    sum_y: u64,
}

impl Group {
    fn empty(rank: u64) -> Self {
        Group {
            rank,
            count: 0,
            xor: 0,
            sum_x: 0,
            sum_y: 0,
        }
    }

    /// Counts in incident `key` at `(x, y)`.
    fn count_in(&mut self, key: u32, (x, y): (u32, u32)) {
        self.count += 1;
        self.xor ^= key;
        self.sum_x += u64::from(x);
        self.sum_y += u64::from(y);
    }

    /// Counts out what [`Group::count_in`] counted in.
    fn count_out(&mut self, key: u32, (x, y): (u32, u32)) {
        self.count -= 1;
        self.xor ^= key;
        self.sum_x -= u64::from(x);
        self.sum_y -= u64::from(y);
    }
}

/// A dated incident in the list by day: 6 bytes.
#[derive(Debug, Clone, Copy)]
#[repr(C, packed(2))]
struct Dated {
    key: u32,
    what: u16,
}

impl Dated {
    fn of(e: &Entry) -> Self {
        Dated {
            key: e.key,
            what: what(e),
        }
    }
}

/// The groups by cell and the dated incidents by day.
#[derive(Debug, Default)]
pub(crate) struct Pyramid {
    cells: FxHashMap<u32, Vec<Group>>,
    days: FxHashMap<i32, Vec<Dated>>,
}

/// The confidence thresholds a group can tell apart: `0.00` to `1.00`, as
/// a query's `min_confidence` reads them.
static STEPS: LazyLock<[f32; 101]> =
    LazyLock::new(|| std::array::from_fn(|j| (j as f64 / 100.0) as f32));

/// No threshold is met (a negative or NaN confidence).
const BELOW: u8 = 127;

/// The highest step of [`STEPS`] a confidence reaches.
fn step(confidence: f32) -> u8 {
    if confidence.is_nan() || confidence < 0.0 {
        return BELOW;
    }
    let mut j = ((f64::from(confidence) * 100.0).floor() as usize).min(100);
    while j < 100 && confidence >= STEPS[j + 1] {
        j += 1;
    }
    while j > 0 && confidence < STEPS[j] {
        j -= 1;
    }
    j as u8
}

/// Type (4 bits), status (2), precision (3) and confidence step (7).
fn what(e: &Entry) -> u16 {
    const _: () = assert!(EventType::ALL.len() <= 16 && ReviewStatus::ALL.len() <= 4);
    // A precision past 7 (never made: codes are 1-3) fails every bound
    // as 7 does.
    u16::from(e.kind) << 12
        | u16::from(e.status) << 10
        | u16::from(e.precision.min(7)) << 7
        | u16::from(step(e.confidence))
}

/// The type of a [`what`].
fn kind_in(what: u16) -> usize {
    usize::from(what >> 12)
}

/// A week (Monday to Sunday) by number: week 0 holds 1970-01-01.
fn week(day: i32) -> i64 {
    (i64::from(day) + 3).div_euclid(7)
}

/// Undated incidents' week code: before every week.
const UNDATED: u64 = 0;

/// A week's code: its number shifted to be positive (and above
/// [`UNDATED`]).
fn week_code(week: i64) -> u64 {
    (week + (1 << 31)).clamp(1, i64::from(u32::MAX)) as u64
}

fn rank(e: &Entry) -> u64 {
    let week = if e.day == NO_DAY {
        UNDATED
    } else {
        week_code(week(e.day))
    };
    week << 32 | u64::from(what(e))
}

/// A cell of the grid at [`LEVEL`], as `x << 16 | y`.
fn cell((x, y): (u32, u32)) -> u32 {
    (x >> (32 - LEVEL)) << 16 | y >> (32 - LEVEL)
}

/// The groups of incidents beyond the Mercator plane's latitudes: in no
/// tile, but in every count.
const OUTSIDE: u32 = u32::MAX;

/// An entry's cell and place on the plane (nowhere for [`OUTSIDE`]).
fn placed(e: &Entry) -> (u32, (u32, u32)) {
    world_xy(e.lon, e.lat).map_or((OUTSIDE, (0, 0)), |xy| (cell(xy), xy))
}

/// A filter as groups can apply it: every part but actors, expressions
/// and confidences between hundredths.
pub(crate) struct Grouped {
    types: u32,
    statuses: u8,
    max_precision: u8,
    min_step: Option<u8>,
    undated: bool,
    /// The dates' days.
    days: std::ops::RangeInclusive<i64>,
    /// Codes of the weeks wholly inside the dates.
    weeks: Range<u64>,
    /// Days of the dates in weeks partly outside them.
    partial_days: Vec<Range<i64>>,
}

impl Grouped {
    pub(crate) fn new(f: &Filter) -> Option<Self> {
        if f.actor_sets.is_some() || f.condition.is_some() {
            return None;
        }
        let min_step = match f.min_confidence {
            None => None,
            Some(c) => Some(STEPS.iter().position(|&s| s == c)? as u8),
        };
        let (first, last) = (i64::from(f.first_day), i64::from(f.last_day));
        // The first week starting on or after `first`, the last ending on
        // or before `last`.
        let (w0, w1) = ((first + 3 + 6).div_euclid(7), (last - 3).div_euclid(7));
        let partial_days = if w0 > w1 {
            [first..last + 1, 0..0]
        } else {
            [first..7 * w0 - 3, 7 * w1 + 4..last + 1]
        };
        Some(Grouped {
            types: f.types,
            statuses: f.statuses,
            max_precision: f.max_precision,
            min_step,
            undated: f.first_day == NO_DAY,
            days: first..=last,
            weeks: if w0 > w1 {
                0..0
            } else {
                week_code(w0)..week_code(w1) + 1
            },
            partial_days: partial_days.into_iter().filter(|r| !r.is_empty()).collect(),
        })
    }

    fn admits(&self, what: u16) -> bool {
        let (status, precision, step) = ((what >> 10) & 3, (what >> 7) & 7, (what & 127) as u8);
        self.types & (1 << kind_in(what)) != 0
            && self.statuses & (1 << status) != 0
            && precision <= u16::from(self.max_precision)
            && self.min_step.is_none_or(|m| step != BELOW && step >= m)
    }
}

/// One cell's share of a grid: where, and what to add.
pub(crate) struct Share {
    /// The cell's place in the window, row by row.
    pub(crate) at: usize,
    pub(crate) kind: usize,
    pub(crate) count: u32,
    pub(crate) xor: u32,
    pub(crate) sum_x: u64,
    pub(crate) sum_y: u64,
}

impl Pyramid {
    /// The groups of `entries`, counted in a hash table and then sorted
    /// into cells: about a million groups for ten million incidents over
    /// six years and 14 square degrees.
    pub(crate) fn build(tree: &RTree<Entry, Params>) -> Self {
        // Vectors made at their final size: grown by doubling, ten million
        // incidents' days left a third more memory taken than used.
        let mut groups: FxHashMap<(u32, u64), Group> = FxHashMap::default();
        let mut per_day: FxHashMap<i32, usize> = FxHashMap::default();
        for e in tree.iter() {
            let (c, xy) = placed(e);
            let rank = rank(e);
            groups
                .entry((c, rank))
                .or_insert_with(|| Group::empty(rank))
                .count_in(e.key, xy);
            if e.day != NO_DAY {
                *per_day.entry(e.day).or_default() += 1;
            }
        }
        let mut days: FxHashMap<i32, Vec<Dated>> = per_day
            .into_iter()
            .map(|(day, n)| (day, Vec::with_capacity(n)))
            .collect();
        for e in tree.iter().filter(|e| e.day != NO_DAY) {
            if let Some(dated) = days.get_mut(&e.day) {
                dated.push(Dated::of(e));
            }
        }
        let mut sorted: Vec<(u32, Group)> = groups.into_iter().map(|((c, _), g)| (c, g)).collect();
        sorted.sort_unstable_by_key(|&(c, g)| (c, g.rank));
        let cells = sorted
            .chunk_by(|a, b| a.0 == b.0)
            .map(|run| (run[0].0, run.iter().map(|&(_, g)| g).collect()))
            .collect();
        Pyramid { cells, days }
    }

    /// Counts an incident in.
    pub(crate) fn add(&mut self, e: &Entry) {
        let (c, xy) = placed(e);
        let rank = rank(e);
        let groups = self.cells.entry(c).or_default();
        let i = match groups.binary_search_by_key(&rank, |g| g.rank) {
            Ok(i) => i,
            Err(i) => {
                groups.insert(i, Group::empty(rank));
                i
            }
        };
        groups[i].count_in(e.key, xy);
        if e.day != NO_DAY {
            self.days.entry(e.day).or_default().push(Dated::of(e));
        }
    }

    /// Counts an incident out (as it was counted in).
    pub(crate) fn remove(&mut self, e: &Entry) {
        let (c, xy) = placed(e);
        if let Some(groups) = self.cells.get_mut(&c) {
            if let Ok(i) = groups.binary_search_by_key(&rank(e), |g| g.rank) {
                let g = &mut groups[i];
                g.count_out(e.key, xy);
                if g.count == 0 {
                    groups.remove(i);
                }
            }
            if groups.is_empty() {
                self.cells.remove(&c);
            }
        }
        if let Some(dated) = self.days.get_mut(&e.day) {
            if let Some(i) = dated.iter().position(|d| d.key == e.key) {
                dated.swap_remove(i);
            }
            if dated.is_empty() {
                self.days.remove(&e.day);
            }
        }
    }

    /// Hands `share` what each admitted group and partial day's incident
    /// adds to the cells of the grid at `level` (at most [`LEVEL`]) in
    /// `cols` × `rows`; `places` is each incident's place by number.
    pub(crate) fn shares(
        &self,
        level: u32,
        cols: &Range<u32>,
        rows: &Range<u32>,
        f: &Grouped,
        places: &[[f64; 2]],
        mut share: impl FnMut(Share),
    ) {
        let width = cols.len();
        let place = |x: u32, y: u32| {
            (cols.contains(&x) && rows.contains(&y))
                .then(|| (y - rows.start) as usize * width + (x - cols.start) as usize)
        };
        let up = LEVEL - level;
        for (&c, groups) in self.cells.iter().filter(|&(&c, _)| c != OUTSIDE) {
            let Some(at) = place((c >> 16) >> up, (c & 0xffff) >> up) else {
                continue;
            };
            let undated = if f.undated {
                &groups[..groups.partition_point(|g| g.rank >> 32 == UNDATED)]
            } else {
                &[]
            };
            let from = groups.partition_point(|g| g.rank >> 32 < f.weeks.start);
            let to = groups.partition_point(|g| g.rank >> 32 < f.weeks.end);
            for g in undated.iter().chain(&groups[from..to.max(from)]) {
                let what = g.rank as u16;
                if f.admits(what) {
                    share(Share {
                        at,
                        kind: kind_in(what),
                        count: g.count,
                        xor: g.xor,
                        sum_x: g.sum_x,
                        sum_y: g.sum_y,
                    });
                }
            }
        }
        let shift = 32 - level;
        for day in f.partial_days.iter().flat_map(Clone::clone) {
            let Some(dated) = i32::try_from(day).ok().and_then(|d| self.days.get(&d)) else {
                continue;
            };
            for &Dated { key, what } in dated.iter().filter(|d| f.admits(d.what)) {
                let Some(&[lon, lat]) = places.get(key as usize) else {
                    continue;
                };
                let Some((x, y)) = world_xy(lon, lat) else {
                    continue;
                };
                if let Some(at) = place(x >> shift, y >> shift) {
                    share(Share {
                        at,
                        kind: kind_in(what),
                        count: 1,
                        xor: key,
                        sum_x: u64::from(x),
                        sum_y: u64::from(y),
                    });
                }
            }
        }
    }
}

impl Pyramid {
    /// Hands `add` the number of incidents the filter admits of each type:
    /// the undated (day `None`) from the groups, the dated from the list by
    /// day, everywhere.
    pub(crate) fn by_day(&self, f: &Grouped, mut add: impl FnMut(Option<i32>, usize, usize)) {
        if f.undated {
            for groups in self.cells.values() {
                let undated = &groups[..groups.partition_point(|g| g.rank >> 32 == UNDATED)];
                for g in undated.iter().filter(|g| f.admits(g.rank as u16)) {
                    add(None, kind_in(g.rank as u16), g.count as usize);
                }
            }
        }
        for (&day, dated) in &self.days {
            if f.days.contains(&i64::from(day)) {
                let mut by_type = [0; EventType::ALL.len()];
                for d in dated.iter().filter(|d| f.admits(d.what)) {
                    by_type[kind_in(d.what)] += 1;
                }
                for (kind, &n) in by_type.iter().enumerate().filter(|&(_, &n)| n > 0) {
                    add(Some(day), kind, n);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_steps_agree_with_the_comparison_a_filter_makes() {
        for c in [
            0.0f32,
            0.005,
            0.07,
            0.1,
            0.699_999_9,
            0.7,
            0.700_000_1,
            0.99,
            1.0,
            1.5,
        ] {
            let s = step(c);
            for (j, &t) in STEPS.iter().enumerate() {
                assert_eq!(c >= t, j <= usize::from(s), "{c} against {t}");
            }
        }
        assert_eq!(step(-0.1), BELOW);
        assert_eq!(std::mem::size_of::<Dated>(), 6);
        assert_eq!(step(f32::NAN), BELOW);
    }

    #[test]
    fn weeks_start_on_monday() {
        // 1970-01-01 was a Thursday: days -3 to 3 are week 0.
        assert_eq!(week(-3), 0);
        assert_eq!(week(3), 0);
        assert_eq!(week(4), 1);
        assert_eq!(week(-4), -1);
    }

    #[test]
    fn the_world_is_cut_into_quarters_at_the_equator_and_greenwich() {
        let (x, y) = world_xy(0.0, 0.0).unwrap();
        assert_eq!((x, y), (1 << 31, 1 << 31));
        assert!(world_xy(0.0, 86.0).is_none());
        assert_eq!(world_xy(-180.0, 0.0).unwrap().0, 0);
    }
}
