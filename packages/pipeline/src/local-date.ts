/** Calendar helpers in a user's IANA timezone, for daily/weekly cache keys and pre-generation. */

export type EpisodeKind = 'daily' | 'weekly';

/** One formatter per zone: building an Intl.DateTimeFormat costs ~0.1 ms, a cache hit's whole budget. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock parts of `at` in `timeZone`. */
export function localParts(at: Date, timeZone: string) {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

// Every request for today's episode needs the user's local date; formatToParts is the slow part.
// Offsets since 1972 are whole minutes, so a date changes only on a minute boundary: dates are
// remembered per zone for the current minute.
const datesThisMinute = { minute: Number.NaN, byZone: new Map<string, string>() };

/** `yyyy-mm-dd` of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  const minute = Math.floor(at.getTime() / 60_000);
  if (minute !== datesThisMinute.minute) {
    datesThisMinute.minute = minute;
    datesThisMinute.byZone.clear();
  }
  let date = datesThisMinute.byZone.get(timeZone);
  if (date === undefined) {
    const { year, month, day } = localParts(at, timeZone);
    date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    datesThisMinute.byZone.set(timeZone, date);
  }
  return date;
}

/** ISO 8601 week (`yyyy-Www`) of the local date. */
export function isoWeek(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  const weekday = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the week's Thursday decides its year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The period an episode of this kind covers: local day, or ISO week for weekly. */
export function localPeriod(kind: EpisodeKind, at: Date, timeZone: string): string {
  const date = localDate(at, timeZone);
  return kind === 'weekly' ? isoWeek(date) : date;
}

export function episodeCacheKey(userId: string, kind: EpisodeKind, period: string): string {
  return `podcast:${userId}:${kind}:${period}`;
}
