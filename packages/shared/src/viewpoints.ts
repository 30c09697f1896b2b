import type { ViewpointRule } from './api.ts';

/** Whether a viewpoint is protected under a tour's rule. */
export function isProtected(rule: ViewpointRule, viewpoint: string): boolean {
  const listed = rule.ids.includes(viewpoint);
  return rule.protect === 'list' ? listed : !listed;
}
