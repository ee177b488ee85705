import { test } from "node:test";
import assert from "node:assert/strict";
import { followChanges } from "../src/live.js";

/** A stand-in for the browser's EventSource. */
class FakeSource {
  static last = null;
  constructor(url) {
    this.url = url;
    this.listeners = {};
    this.closed = false;
    FakeSource.last = this;
  }
  addEventListener(name, f) {
    (this.listeners[name] ||= []).push(f);
  }
  emit(name) {
    for (const f of this.listeners[name] || []) f({});
  }
  close() {
    this.closed = true;
  }
}

/** Timers run by hand. */
function clock() {
  const due = [];
  return {
    setTimer: (f) => (due.push(f), due.length),
    clearTimer: () => {},
    run: async (limit = 100) => {
      while (due.length && limit-- > 0) await due.shift()();
    },
  };
}

test("a burst of streamed changes is one reload", async () => {
  const c = clock();
  let reloads = 0;
  followChanges({ changed: () => reloads++, health: async () => ({}), EventSourceImpl: FakeSource, ...c });
  const s = FakeSource.last;
  assert.equal(s.url, "/api/v1/stream");
  s.emit("open");
  s.emit("incident");
  s.emit("incident");
  s.emit("reload");
  await c.run();
  assert.equal(reloads, 1);
});

test("after the stream was lost and came back, the map reads again", async () => {
  const c = clock();
  let reloads = 0;
  followChanges({ changed: () => reloads++, health: async () => ({}), EventSourceImpl: FakeSource, ...c });
  const s = FakeSource.last;
  s.emit("open");
  s.emit("error");
  s.emit("open");
  await c.run();
  assert.equal(reloads, 1);
  assert.equal(s.closed, false);
});

test("a stream that never opens gives way to asking /healthz", async () => {
  const c = clock();
  let reloads = 0;
  const changes = [1, 1, 2];
  const status = {};
  followChanges({
    changed: () => reloads++,
    health: async () => ({ last_change: changes.shift() ?? 2 }),
    EventSourceImpl: FakeSource,
    status,
    ...c,
  });
  const s = FakeSource.last;
  s.emit("error");
  s.emit("error");
  s.emit("error");
  assert.equal(s.closed, true);
  assert.equal(status.mode, "polling");
  // Polls see 1, 1, 2, 2…: one change, one reload.
  await new Promise((r) => setImmediate(r));
  await c.run(8);
  assert.equal(reloads, 1);
});

test("without EventSource, it polls", async () => {
  const c = clock();
  const status = {};
  followChanges({ changed: () => {}, health: async () => ({ last_change: 1 }), EventSourceImpl: undefined, status, ...c, setTimer: () => 0 });
  assert.equal(status.mode, "polling");
});
