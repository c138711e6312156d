// When a user's daily/weekly period ends, as an instant: the episode cache expires then. Exact
// across DST changes (a local day may last 23 or 25 hours), unlike "24 h minus time elapsed".
import { type EpisodeKind, localParts } from '@podfleet/pipeline';

const DAY_MS = 86_400_000;

/** Offset of `timeZone` from UTC at instant `t`, in ms (Tokyo: +9 h). */
function offsetMs(t: number, timeZone: string): number {
  const p = localParts(new Date(t), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The instant of 00:00 local time on the calendar day `utcDay` (a UTC-midnight timestamp) in `timeZone`. */
function localMidnight(utcDay: number, timeZone: string): Date {
  const first = utcDay - offsetMs(utcDay, timeZone);
  // A second pass settles days whose offset differs from the one at the first guess (DST).
  return new Date(utcDay - offsetMs(first, timeZone));
}

function parseDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a yyyy-mm-dd date: ${date}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** UTC-midnight timestamp of the Monday that starts ISO week `yyyy-Www`. */
function isoWeekMonday(week: string): number {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) throw new RangeError(`not an ISO week (yyyy-Www): ${week}`);
  const jan4 = Date.UTC(Number(match[1]), 0, 4); // always in week 1
  const weekday = new Date(jan4).getUTCDay() || 7;
  return jan4 - (weekday - 1) * DAY_MS + (Number(match[2]) - 1) * 7 * DAY_MS;
}

/** The instant a period (`yyyy-mm-dd` for daily, `yyyy-Www` for weekly) ends in `timeZone`. */
export function periodEnd(kind: EpisodeKind, period: string, timeZone: string): Date {
  const nextDay = kind === 'weekly' ? isoWeekMonday(period) + 7 * DAY_MS : parseDate(period) + DAY_MS;
  return localMidnight(nextDay, timeZone);
}

/** ISO weekday (Monday 1 … Sunday 7) of a `yyyy-mm-dd` date. */
export function isoWeekday(date: string): number {
  return new Date(parseDate(date)).getUTCDay() || 7;
}
