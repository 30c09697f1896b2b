export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
export const DAY_MS = 86_400_000;

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A date for people, in the visitor's language and the broker's time zone (Europe/Berlin). */
export function formatDate(ms: number, locale: 'de' | 'en', withTime = false): string {
  const key = `${locale}${withTime ? '+time' : ''}`;
  let format = dateFormats.get(key);
  if (!format) {
    // Made once per kind: building an Intl.DateTimeFormat costs more than formatting with it.
    format = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
      dateStyle: 'long',
      ...(withTime ? { timeStyle: 'short' } : {}),
      timeZone: 'Europe/Berlin',
    });
    dateFormats.set(key, format);
  }
  return format.format(new Date(ms));
}

/** The brokers' calendar: a visitor at 00:30 in Cologne registered today, not yesterday. */
const STATS_TIME_ZONE = 'Europe/Berlin';
const calendarDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: STATS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

let lastMinute = Number.NaN;
let lastDay = '';

/**
 * The day `YYYY-MM-DD` (Europe/Berlin) of an epoch-ms time: the key of per-day statistics.
 * The last answer is kept for its minute (a day in any time zone starts on a whole minute), so
 * counting on a hot path (the gate config's embed origins) doesn't format a date per request.
 */
export const dayOf = (ms: number): string => {
  const minute = Math.floor(ms / 60_000);
  if (minute !== lastMinute) {
    lastDay = calendarDay.format(ms);
    lastMinute = minute;
  }
  return lastDay;
};
