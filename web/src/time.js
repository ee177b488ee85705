// Time on the map: weeks spanning the incidents, the window the slider
// selects, and counts per week for the histogram. Pure: dates are ISO
// strings (YYYY-MM-DD), compared as strings, computed in UTC.

/** `d` moved by `n` days. */
export function addDays(d, n) {
  const x = new Date(`${d}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + n);
  return x.toISOString().slice(0, 10);
}

/** The Monday of the ISO week holding `d`. */
export function mondayOf(d) {
  const day = new Date(`${d}T00:00:00Z`).getUTCDay();
  return addDays(d, -((day + 6) % 7));
}

/** Every Monday from the week of the earliest date to that of the latest. */
export function weeksSpanning(dates) {
  const sorted = dates.filter(Boolean).sort();
  if (!sorted.length) return [];
  const weeks = [];
  const end = mondayOf(sorted[sorted.length - 1]);
  for (let w = mondayOf(sorted[0]); w <= end; w = addDays(w, 7)) weeks.push(w);
  return weeks;
}

/**
 * The slider positions (week indices) `a` and `b` as a window of days,
 * `[first, last]`; `[null, null]` when the window is every week, so that
 * undated incidents stay visible until the user narrows the time.
 */
export function windowDates(weeks, a, b) {
  if (!weeks.length) return [null, null];
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  if (lo <= 0 && hi >= weeks.length - 1) return [null, null];
  return [weeks[Math.max(0, lo)], addDays(weeks[Math.min(weeks.length - 1, hi)], 6)];
}

/** The slider positions for a window of days (open ends: the first and last week). */
export function weekIndices(weeks, from, to) {
  return [indexOf(weeks, from, 0), indexOf(weeks, to, weeks.length - 1)];
}

function indexOf(weeks, d, open) {
  if (!d || !weeks.length) return open;
  const m = mondayOf(d);
  if (m <= weeks[0]) return 0;
  if (m >= weeks[weeks.length - 1]) return weeks.length - 1;
  return weeks.indexOf(m);
}

/** Whether a date falls in the window (undated: only when it is open). */
export function inWindow(date, from, to) {
  if (!from && !to) return true;
  if (!date) return false;
  return (!from || date >= from) && (!to || date <= to);
}

/** Per week of `weeks`, the counts by type of the histogram `bins` (`{start, by_type}`, weeks starting on Monday). */
export function weeklyCounts(bins, weeks) {
  const byWeek = new Map(bins.map((b) => [b.start, b.by_type]));
  return weeks.map((w) => byWeek.get(w) || {});
}
