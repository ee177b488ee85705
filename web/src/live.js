/**
 * Learning that incidents were stored or changed, by anyone: the server's
 * live stream (Server-Sent Events, `/api/v1/stream`), so a new incident is
 * on every open map within a second; where a proxy blocks streams, asking
 * `/healthz` every few seconds instead.
 */

/** How often to ask when there is no stream. */
export const POLL_EVERY_MS = 5000;

/** Failures in a row, without the stream ever opening, before polling instead. */
const GIVE_UP_AFTER = 3;

/** Changes arriving within this long are one reload. */
const COALESCE_MS = 150;

/**
 * Calls `changed()` once for each burst of changes. `health()` answers
 * `{last_change}` (the fallback); `EventSourceImpl` and the timers are the
 * browser's unless a test gives its own. Returns a function that stops.
 */
export function followChanges({
  changed,
  health,
  EventSourceImpl = globalThis.EventSource,
  setTimer = globalThis.setTimeout,
  clearTimer = globalThis.clearTimeout,
  status = {},
}) {
  let stopped = false;
  let pending = null;
  const soon = () => {
    if (pending !== null || stopped) return;
    pending = setTimer(() => {
      pending = null;
      changed();
    }, COALESCE_MS);
  };

  let lastChange = null;
  let timer = null;
  const poll = async () => {
    status.mode = "polling";
    try {
      const { last_change: change } = await health();
      if (lastChange !== null && change !== lastChange) soon();
      lastChange = change;
    } catch {
      // A server restarting: try again at the next tick, quietly.
      status.errors = (status.errors || 0) + 1;
    }
    if (!stopped) timer = setTimer(poll, POLL_EVERY_MS);
  };

  let source = null;
  if (typeof EventSourceImpl === "function") {
    let opened = false;
    let failures = 0;
    let lost = false;
    source = new EventSourceImpl("/api/v1/stream");
    status.mode = "stream";
    source.addEventListener("open", () => {
      // Changes made while the connection was down were not told: read again.
      if (lost) soon();
      opened = true;
      lost = false;
      failures = 0;
    });
    source.addEventListener("incident", soon);
    source.addEventListener("reload", soon);
    source.addEventListener("error", () => {
      lost = true;
      failures += 1;
      // The browser reconnects by itself; a stream that never opened is
      // blocked on the way.
      if (!opened && failures >= GIVE_UP_AFTER) {
        source.close();
        source = null;
        poll();
      }
    });
  } else {
    poll();
  }
  return () => {
    stopped = true;
    if (source) source.close();
    if (timer !== null) clearTimer(timer);
    if (pending !== null) clearTimer(pending);
  };
}
