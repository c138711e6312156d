import { episodeCacheKey, isoWeek, isValidTimeZone, localDate, localPeriod } from './local-date';

describe('local calendar helpers', () => {
  const at = new Date('2026-11-26T23:30:00Z');

  it('gives the local date in each zone', () => {
    expect(localDate(at, 'UTC')).toBe('2026-11-26');
    expect(localDate(at, 'Asia/Tokyo')).toBe('2026-11-27');
    expect(localDate(at, 'America/Los_Angeles')).toBe('2026-11-26');
    expect(localDate(at, 'Pacific/Kiritimati')).toBe('2026-11-27');
  });

  it('turns the date at local midnight to the millisecond, in zones with 30- and 45-minute offsets', () => {
    // Kathmandu is UTC+5:45, Kolkata UTC+5:30: their midnights fall on a quarter and a half hour.
    for (const [zone, midnightUtc] of [
      ['Asia/Kathmandu', '2026-11-26T18:15:00.000Z'],
      ['Asia/Kolkata', '2026-11-26T18:30:00.000Z'],
    ] as const) {
      const midnight = new Date(midnightUtc);
      const justBefore = new Date(midnight.getTime() - 1);
      // Asked in both orders and again: answers remembered within a minute never cross midnight.
      expect([localDate(justBefore, zone), localDate(midnight, zone)]).toEqual(['2026-11-26', '2026-11-27']);
      expect([localDate(midnight, zone), localDate(justBefore, zone)]).toEqual(['2026-11-27', '2026-11-26']);
      expect(localDate(new Date(midnight.getTime() + 59_999), zone)).toBe('2026-11-27');
    }
  });

  it('numbers ISO weeks across year boundaries', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(localPeriod('weekly', at, 'UTC')).toBe('2026-W48');
    expect(episodeCacheKey('u1', 'daily', localPeriod('daily', at, 'Asia/Tokyo'))).toBe(
      'podcast:u1:daily:2026-11-27',
    );
  });

  it('tells valid zones from invalid ones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
