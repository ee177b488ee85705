import { test } from "node:test";
import assert from "node:assert/strict";
import { addDays, inWindow, mondayOf, weekIndices, weeklyCounts, weeksSpanning, windowDates } from "../src/time.js";

test("weeks start on Monday, across month and year ends", () => {
  assert.equal(mondayOf("2024-03-06"), "2024-03-04"); // a Wednesday
  assert.equal(mondayOf("2024-03-04"), "2024-03-04");
  assert.equal(mondayOf("2024-03-10"), "2024-03-04"); // a Sunday
  assert.equal(mondayOf("2025-01-01"), "2024-12-30");
  assert.equal(addDays("2024-02-28", 2), "2024-03-01"); // a leap year
});

test("the weeks span the dates, undated ones ignored", () => {
  assert.deepEqual(weeksSpanning(["2024-03-20", null, "2024-03-06", "2024-03-12"]), ["2024-03-04", "2024-03-11", "2024-03-18"]);
  assert.deepEqual(weeksSpanning([null]), []);
});

const WEEKS = ["2024-03-04", "2024-03-11", "2024-03-18", "2024-03-25"];

test("the whole span is an open window, so undated incidents stay", () => {
  assert.deepEqual(windowDates(WEEKS, 0, 3), [null, null]);
  assert.deepEqual(windowDates([], 0, 0), [null, null]);
});

test("a narrower window runs Monday to Sunday, whichever slider is first", () => {
  assert.deepEqual(windowDates(WEEKS, 1, 2), ["2024-03-11", "2024-03-24"]);
  assert.deepEqual(windowDates(WEEKS, 2, 1), ["2024-03-11", "2024-03-24"]);
  assert.deepEqual(windowDates(WEEKS, 3, 3), ["2024-03-25", "2024-03-31"]);
});

test("a window of days maps back to slider positions, clamped to the data", () => {
  assert.deepEqual(weekIndices(WEEKS, null, null), [0, 3]);
  assert.deepEqual(weekIndices(WEEKS, "2024-03-13", "2024-03-24"), [1, 2]);
  assert.deepEqual(weekIndices(WEEKS, "2023-01-01", "2030-01-01"), [0, 3]);
  const [lo, hi] = weekIndices(WEEKS, "2024-03-13", "2024-03-24");
  assert.deepEqual(windowDates(WEEKS, lo, hi), ["2024-03-11", "2024-03-24"], "a permalink snaps to whole weeks");
});

test("in the window: bounds included; undated only when it is open", () => {
  assert.ok(inWindow("2024-03-11", "2024-03-11", "2024-03-24"));
  assert.ok(inWindow("2024-03-24", "2024-03-11", "2024-03-24"));
  assert.ok(!inWindow("2024-03-25", "2024-03-11", "2024-03-24"));
  assert.ok(!inWindow(null, "2024-03-11", null));
  assert.ok(inWindow(null, null, null));
});

test("the histogram's weekly bins line up with the slider's weeks", () => {
  const bins = [
    { start: WEEKS[0], count: 2, by_type: { airstrike: 2 } },
    { start: WEEKS[2], count: 1, by_type: { protest: 1 } },
  ];
  assert.deepEqual(weeklyCounts(bins, WEEKS), [{ airstrike: 2 }, {}, { protest: 1 }, {}]);
});
