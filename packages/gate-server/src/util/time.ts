export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
export const DAY_MS = 86_400_000;

/** A date for people, in the visitor's language and the broker's time zone (Europe/Berlin). */
export function formatDate(ms: number, locale: 'de' | 'en', withTime = false): string {
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'Europe/Berlin',
  }).format(new Date(ms));
}
