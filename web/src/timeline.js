// The time panel: two sliders over the weeks, a histogram of incidents per
// week stacked by type, and an animation that moves the window along.
import { mondayOf, weekIndices, weeklyCounts, windowDates } from "./time.js";
import { translate } from "./i18n.js";

const PLAY_STEP_MS = 400;
const PLAY_MAX_WEEKS = 8;

/** Brings the sliders, histogram and label in line with the state. */
export function renderTimeline(els, state) {
  const { weeks } = state;
  els.from.max = els.to.max = String(Math.max(0, weeks.length - 1));
  // Sliders move only when the window changed elsewhere (a permalink, the
  // animation): a thumb being dragged past the other stays under the mouse.
  const [a, b] = windowDates(weeks, Number(els.from.value), Number(els.to.value));
  if (a !== state.from || b !== state.to) {
    const [lo, hi] = weekIndices(weeks, state.from, state.to);
    els.from.value = String(lo);
    els.to.value = String(hi);
  }
  drawHistogram(els.histogram, state);
  els.label.textContent = weeks.length ? `${state.from || weeks[0]} → ${state.to || "…"}` : "";
  els.play.textContent = translate(state.lang, state.playing ? "pause" : "play");
}

/** The window the sliders select, into the state. */
export function readSliders(els, state) {
  [state.from, state.to] = windowDates(state.weeks, Number(els.from.value), Number(els.to.value));
}

function drawHistogram(canvas, state) {
  const { weeks, layers } = state;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!weeks.length) return;
  const bins = weeklyCounts(state.histogram, weeks);
  const max = Math.max(1, ...bins.map((b) => Object.values(b).reduce((s, n) => s + n, 0)));
  const w = canvas.width / weeks.length;
  const first = state.from && mondayOf(state.from);
  bins.forEach((bin, i) => {
    let y = canvas.height;
    // Weeks outside the window are drawn faint.
    ctx.globalAlpha = (!first || weeks[i] >= first) && (!state.to || weeks[i] <= state.to) ? 1 : 0.25;
    for (const l of layers) {
      const n = bin[l.id];
      if (!n) continue;
      const h = (n / max) * (canvas.height - 4);
      ctx.fillStyle = l.colour;
      ctx.fillRect(i * w, y - h, Math.max(1, w - 1), h);
      y -= h;
    }
  });
  ctx.globalAlpha = 1;
}

/**
 * Starts or stops the animation: a window of the current width (at most
 * eight weeks) from the first week, one week further every step.
 * `onStep` redraws.
 */
export function togglePlay(state, onStep) {
  if (state.playing) {
    clearInterval(state.playing);
    state.playing = null;
    onStep();
    return;
  }
  let [lo, hi] = weekIndices(state.weeks, state.from, state.to);
  hi = Math.max(0, Math.min(hi - lo, PLAY_MAX_WEEKS));
  lo = 0;
  const show = () => {
    [state.from, state.to] = windowDates(state.weeks, lo, hi);
    onStep();
  };
  state.playing = setInterval(() => {
    if (hi >= state.weeks.length - 1) return togglePlay(state, onStep);
    lo += 1;
    hi += 1;
    show();
  }, PLAY_STEP_MS);
  show();
}
