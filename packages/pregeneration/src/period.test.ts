import { isoWeekday, periodEnd } from './period';

describe('periodEnd', () => {
  it('ends a daily period at the next local midnight', () => {
    expect(periodEnd('daily', '2026-11-27', 'Asia/Tokyo').toISOString()).toBe('2026-11-27T15:00:00.000Z');
    expect(periodEnd('daily', '2026-11-27', 'Pacific/Kiritimati').toISOString()).toBe(
      '2026-11-27T10:00:00.000Z',
    );
    expect(periodEnd('daily', '2026-11-26', 'UTC').toISOString()).toBe('2026-11-27T00:00:00.000Z');
    expect(periodEnd('daily', '2026-12-31', 'America/New_York').toISOString()).toBe(
      '2027-01-01T05:00:00.000Z',
    );
  });

  it('is exact on days that last 25 or 23 hours (DST)', () => {
    // New York leaves daylight time on 2026-11-01: midnight opens at -04:00, the next one at -05:00.
    expect(periodEnd('daily', '2026-11-01', 'America/New_York').toISOString()).toBe(
      '2026-11-02T05:00:00.000Z',
    );
    expect(periodEnd('daily', '2026-10-31', 'America/New_York').toISOString()).toBe(
      '2026-11-01T04:00:00.000Z',
    );
    // …and enters it on 2026-03-08.
    expect(periodEnd('daily', '2026-03-08', 'America/New_York').toISOString()).toBe(
      '2026-03-09T04:00:00.000Z',
    );
  });

  it('ends a weekly period when the next ISO week starts (Monday 00:00 local)', () => {
    // ISO week 2026-W48 runs Monday 23 to Sunday 29 November 2026.
    expect(periodEnd('weekly', '2026-W48', 'UTC').toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(periodEnd('weekly', '2026-W48', 'Asia/Tokyo').toISOString()).toBe('2026-11-29T15:00:00.000Z');
    // 2026-W53 exists (2026 starts on a Thursday); 2027-W01 starts on Monday 4 January 2027.
    expect(periodEnd('weekly', '2026-W53', 'UTC').toISOString()).toBe('2027-01-04T00:00:00.000Z');
  });

  it('rejects malformed periods', () => {
    expect(() => periodEnd('daily', '2026-W48', 'UTC')).toThrow(RangeError);
    expect(() => periodEnd('weekly', '2026-11-27', 'UTC')).toThrow(RangeError);
  });
});

describe('isoWeekday', () => {
  it('numbers Monday 1 to Sunday 7', () => {
    expect(isoWeekday('2026-11-30')).toBe(1);
    expect(isoWeekday('2026-11-26')).toBe(4);
    expect(isoWeekday('2026-11-29')).toBe(7);
  });
});
