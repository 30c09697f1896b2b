/** Reads a lead filter and a period from query parameters (dashboard, admin API, CLI). */
import { GateError, viewpointIdSchema } from '@tour-gate/shared';
import type { LeadFilter } from '../store/leads.ts';
import type { RegistrationStatus } from '../store/schema.ts';
import { STATUSES } from '../store/statistics.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseFilter(get: (key: string) => string | undefined): LeadFilter {
  const fields: Record<string, 'invalid'> = {};
  const day = (key: 'from' | 'to') => {
    const v = get(key)?.trim();
    if (!v) return undefined;
    if (!DAY.test(v) || Number.isNaN(Date.parse(v))) fields[key] = 'invalid';
    return v;
  };
  const from = day('from');
  const to = day('to');
  const status = get('status')?.trim() || undefined;
  if (status && !STATUSES.includes(status as RegistrationStatus)) fields.status = 'invalid';
  const q = get('q')?.trim().slice(0, 200) || undefined;
  const openedParam = get('opened')?.trim();
  if (openedParam && openedParam !== '1') fields.opened = 'invalid';
  const viewpoint = get('viewpoint') || undefined;
  if (viewpoint !== undefined && !viewpointIdSchema.safeParse(viewpoint).success) fields.viewpoint = 'invalid';
  if (Object.keys(fields).length) throw new GateError('VALIDATION_FAILED', { fields });
  const opened = openedParam === '1' ? true : undefined;
  return {
    from,
    to,
    status: status as RegistrationStatus | undefined,
    q,
    ...(opened ? { opened } : {}),
    ...(viewpoint ? { viewpoint } : {}),
  };
}
