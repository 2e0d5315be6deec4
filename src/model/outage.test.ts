import { makeSuspect, makeWrapup } from '../test/fixtures';
import { NONE } from './filters';
import { suspectsByEndHour, suspectsByQueue } from './outage';

describe('suspectsByQueue', () => {
  it('counts each queue by status, the largest first, ties by name', () => {
    const bars = suspectsByQueue([
      makeSuspect(1, { taskQueueName: 'Sales', assignmentStatus: 'pending' }),
      makeSuspect(2, { taskQueueName: 'Sales', assignmentStatus: 'assigned' }),
      makeSuspect(3, { taskQueueName: 'Sales', assignmentStatus: 'assigned' }),
      makeWrapup(4, { taskQueueName: 'Billing' }),
      makeSuspect(5, { taskQueueName: null, assignmentStatus: 'reserved' }),
    ]);
    expect(bars).toEqual([
      { queue: 'Sales', byStatus: { pending: 1, reserved: 0, assigned: 2, wrapping: 0 }, total: 3 },
      { queue: NONE, byStatus: { pending: 0, reserved: 1, assigned: 0, wrapping: 0 }, total: 1 },
      { queue: 'Billing', byStatus: { pending: 0, reserved: 0, assigned: 0, wrapping: 1 }, total: 1 },
    ]);
    expect(suspectsByQueue([])).toEqual([]);
  });
});

describe('suspectsByEndHour', () => {
  const at = (iso: string) => makeSuspect(1, { callEndedAt: iso });

  it('buckets by hour, keeping empty hours between, and counts unknown ends apart', () => {
    const result = suspectsByEndHour([
      at('2026-12-01T09:59:59.999Z'),
      at('2026-12-01T10:00:00.000Z'),
      at('2026-12-01T10:30:00.000Z'),
      at('2026-12-01T12:15:00.000Z'),
      makeSuspect(2, { callEndedAt: null }),
      makeSuspect(3, { callEndedAt: 'not a date' }),
    ]);
    expect(result.hours).toEqual([
      { hourStart: Date.parse('2026-12-01T09:00:00Z'), count: 1 },
      { hourStart: Date.parse('2026-12-01T10:00:00Z'), count: 2 },
      { hourStart: Date.parse('2026-12-01T11:00:00Z'), count: 0 },
      { hourStart: Date.parse('2026-12-01T12:00:00Z'), count: 1 },
    ]);
    expect(result.unknown).toBe(2);
    expect(result.earlier).toBe(0);
  });

  it('shows at most the latest maxHours hours and counts the older ends as earlier', () => {
    const result = suspectsByEndHour(
      [at('2026-11-20T10:00:00Z'), at('2026-12-01T08:10:00Z'), at('2026-12-01T10:10:00Z')],
      3,
    );
    expect(result.hours.map((hour) => hour.count)).toEqual([1, 0, 1]);
    expect(result.hours[0].hourStart).toBe(Date.parse('2026-12-01T08:00:00Z'));
    expect(result.earlier).toBe(1);
  });

  it('has no bars without ends', () => {
    expect(suspectsByEndHour([makeSuspect(1, { callEndedAt: null })])).toEqual({ hours: [], unknown: 1, earlier: 0 });
  });
});
