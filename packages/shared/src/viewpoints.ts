import type { ViewpointRule } from './api.ts';
import type { Locale, Localized } from './locale.ts';

/** Whether a viewpoint is protected under a tour's rule. */
export function isProtected(rule: ViewpointRule, viewpoint: string): boolean {
  const listed = rule.ids.includes(viewpoint);
  return rule.protect === 'list' ? listed : !listed;
}

/**
 * A viewpoint's name for people: the tour's label (`viewpointLabels` in the tour's config) in
 * the reader's language; without one, the id made readable ("wohn-zimmer" → "Wohn zimmer",
 * "schlafzimmer" → "Schlafzimmer"), never the bare code.
 */
export function viewpointLabel(labels: Record<string, Localized> | undefined, id: string, locale: Locale): string {
  const label = labels && Object.hasOwn(labels, id) ? labels[id]?.[locale] : undefined;
  if (label) return label;
  const words = id.replace(/[-_.]+/g, ' ').trim();
  return words ? words.charAt(0).toLocaleUpperCase(locale) + words.slice(1) : id;
}
