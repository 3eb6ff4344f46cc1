import { describe, expect, it } from 'vitest';
import { oneAtATime } from './one-at-a-time';

function gatedWork() {
  const releases: (() => void)[] = [];
  let runs = 0;
  const work = () => {
    runs++;
    return new Promise<void>((r) => releases.push(r));
  };
  const finishOne = async () => {
    releases.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { work, finishOne, get runs() { return runs; } };
}

describe('oneAtATime (timers woken by events)', () => {
  it('skips a tick while a run is going', async () => {
    const w = gatedWork();
    const r = oneAtATime(w.work);
    r.tick();
    r.tick();
    expect(w.runs).toBe(1);
    await w.finishOne();
    expect(w.runs).toBe(1);
    r.tick();
    expect(w.runs).toBe(2);
  });

  it('runs a kick at once when idle, and once more after the run going on however many kicks came', async () => {
    const w = gatedWork();
    const r = oneAtATime(w.work);
    r.kick();
    expect(w.runs).toBe(1);
    r.kick();
    r.kick();
    r.tick();
    expect(w.runs).toBe(1);
    await w.finishOne();
    expect(w.runs).toBe(2);
    await w.finishOne();
    expect(w.runs).toBe(2);
  });

  it('starts nothing once stopped', async () => {
    const w = gatedWork();
    let stopped = false;
    const r = oneAtATime(w.work, () => stopped);
    r.kick();
    r.kick();
    stopped = true;
    await w.finishOne();
    r.tick();
    r.kick();
    expect(w.runs).toBe(1);
  });
});
