/**
 * The brokers' daily digest (`notifications.digest`): once a day, at `GATE_DIGEST_HOUR`
 * (Europe/Berlin, default 7), each broker with such tours gets one mail listing the visitors
 * who first opened their unlock link the day before, if any did. A small scheduler in each
 * serving instance checks every minute; the day's claim (`scheduled_runs`) and the mails are
 * one transaction, so with several instances the digest goes out once, and a crash before the
 * commit leaves the day to the next check.
 */
import { DEFAULT_DIGEST_HOUR } from '../config/env.ts';
import type { Tour } from '../config/tours.ts';
import { type DigestSection, renderDigestMail } from '../mail/digest-mail.ts';
import { DAY_MS, dayOf, formatDate } from '../util/time.ts';
import type { GateDeps } from './deps.ts';
import { leadUrl } from './links.ts';
import { queueMail } from './mail.ts';

const JOB = 'digest';
const CHECK_EVERY_MS = 60_000;

const berlinHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' });

/** The hour (0–23) of a time in Berlin. */
function hourInBerlin(ms: number): number {
  return Number(berlinHour.format(ms));
}

/** The first millisecond of a Berlin calendar day (`YYYY-MM-DD`); Berlin is UTC+1 or UTC+2. */
function berlinDayStart(day: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  for (const hours of [1, 2]) {
    const t = utcMidnight - hours * 3_600_000;
    if (dayOf(t) === day && dayOf(t - 1) !== day) return t;
  }
  throw new Error(`no start found for ${day}`);
}

export interface DigestRun {
  /** The day the digest covers (`YYYY-MM-DD`, Berlin), or undefined when it was not due. */
  day?: string;
  /** False when another run (this or another instance) had this day already. */
  claimed: boolean;
  /** Mails queued. */
  mails: number;
}

/**
 * Sends yesterday's digests if it is time and no instance did: the check the scheduler runs.
 * Returns what it did, for tests and the log.
 */
export async function sendDigestIfDue(deps: GateDeps): Promise<DigestRun> {
  const now = deps.clock();
  if (hourInBerlin(now) < (deps.env.digestHour ?? DEFAULT_DIGEST_HOUR)) return { claimed: false, mails: 0 };
  const today = dayOf(now);
  const start = berlinDayStart(today);
  const day = dayOf(start - 1);
  const from = berlinDayStart(day);

  // The digest tours, by broker.
  const byBroker = new Map<string, Tour[]>();
  for (const tour of deps.tours.all()) {
    if (!tour.config.notifications.digest) continue;
    byBroker.set(tour.broker.id, [...(byBroker.get(tour.broker.id) ?? []), tour]);
  }

  const run = await deps.store.transaction(async (tx): Promise<DigestRun> => {
    if (!(await tx.digests.claim(JOB, day, now))) return { day, claimed: false, mails: 0 };
    let mails = 0;
    for (const tours of byBroker.values()) {
      const broker = tours[0]!.broker;
      const opened = await tx.digests.firstOpenedBetween(
        tours.map((t) => t.config.id),
        from,
        start,
      );
      if (!opened.length) continue;
      const sections: DigestSection[] = tours
        .map((t) => ({
          tour: t.config,
          opened: opened.filter((r) => r.tour_id === t.config.id),
          leadLink: (id: string) => leadUrl(deps.env, t.config.id, id),
        }))
        .filter((sec) => sec.opened.length);
      const mail = renderDigestMail(broker, formatDate(from + DAY_MS / 2, broker.locale), sections);
      await queueMail(tx, {
        tourId: null,
        registrationId: null,
        kind: 'digest',
        recipient: broker.email,
        replyTo: null,
        mail,
        now,
      });
      mails++;
    }
    return { day, claimed: true, mails };
  });
  if (run.mails) deps.outbox.nudge();
  return run;
}

/** Checks every minute (and once at start) whether the day's digest is due; returns a stop function. */
export function startDigestScheduler(deps: GateDeps): () => void {
  const check = () => {
    sendDigestIfDue(deps).then(
      (run) => {
        if (run.claimed) deps.log.info('daily digest', { day: run.day, mails: run.mails });
      },
      (err) => deps.log.warn('daily digest failed', { error: String(err) }),
    );
  };
  check();
  const timer = setInterval(check, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
