import { beforeEach, describe, expect, it } from 'vitest';
import { admits } from './backpressure';
import { mayTimeOut, resetStepClock, stepAnswered } from './step-clock';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

describe('the saga step clock', () => {
  beforeEach(() => resetStepClock());

  it('times an overdue order out when the step consumer has no backlog (its request was taken)', () => {
    expect(mayTimeOut('payment', at(0), 0)).toBe(true);
  });

  it('lets an overdue order wait while its request may still be queued behind a backlog', () => {
    stepAnswered('reservation', at(5), 'ok');
    expect(mayTimeOut('reservation', at(10), 250)).toBe(false);
  });

  it('times it out despite a backlog once a later request of the same step was answered', () => {
    stepAnswered('payment', at(12), 'ok');
    expect(mayTimeOut('payment', at(10), 250)).toBe(true);
    // Answers of another step say nothing about this one.
    expect(mayTimeOut('reservation', at(10), 250)).toBe(false);
  });

  it('only moves its watermark forward', () => {
    stepAnswered('reservation', at(20), 'ok');
    stepAnswered('reservation', at(3), 'failed');
    expect(mayTimeOut('reservation', at(15), 9)).toBe(true);
  });
});

describe('the saga backlog bound', () => {
  it('admits orders below SAGA_MAX_PENDING_ORDERS and refuses at it', () => {
    expect(admits(199, 200)).toBe(true);
    expect(admits(200, 200)).toBe(false);
  });
});
