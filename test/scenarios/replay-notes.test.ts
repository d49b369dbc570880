/**
 * Every run states the sessions whose stay covers no whole slot (grid's plug-window rules), whatever the
 * policy: a baseline or MPC run must not be silent about sessions the offline run alone used to report.
 */
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import { demoInputs, highsBackend } from './scenario-test-helpers.ts';

/** The demo with one extra 20-minute stay (10:05-10:25 on 5 June) that covers no whole 15-minute slot. */
function withShortStay(): ReplayInputs {
  const inputs = demoInputs();
  const base = inputs.sessions[0]!;
  const arrivalUtcMs = Date.parse('2023-06-05T10:05:00+02:00');
  const short = { ...base, id: 'short-stay', arrivalUtcMs, departureUtcMs: arrivalUtcMs + 20 * 60_000, declaredDepartureUtcMs: arrivalUtcMs + 20 * 60_000 };
  return { ...inputs, sessions: [...inputs.sessions, short] };
}

const note = '1 session(s) plugged in for no whole slot';

describe('notes on sessions that cover no whole slot', () => {
  it('appear in a baseline run', () => {
    expect(runReplay(withShortStay(), 'uncontrolled', { clock: () => 0 }).notes).toContain(note);
  });

  it('appear once in the MPC and the offline runs', async () => {
    const deps = { solver: { backend: await highsBackend() }, clock: () => 0 };
    const inputs = withShortStay();
    for (const policy of ['mpc', 'offline'] as const) {
      const notes = runReplay(inputs, policy, deps).notes;
      expect(notes.filter((n) => n.includes('no whole slot')), policy).toEqual([note]);
    }
  });

  it('are absent when every stay covers a slot', () => {
    expect(runReplay(demoInputs(), 'uncontrolled', { clock: () => 0 }).notes.some((n) => n.includes('no whole slot'))).toBe(false);
  });
});
