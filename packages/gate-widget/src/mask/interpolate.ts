import type { TemplateResult } from 'lit';

type Piece = string | TemplateResult;

/**
 * Fills `{name}` placeholders of a translated sentence with strings or templates (links), so a
 * translation can put the link wherever its grammar wants it.
 */
export function interpolate(text: string, values: Record<string, Piece>): Piece[] {
  return text.split(/\{(\w+)\}/).map((part, index) => (index % 2 === 1 ? (values[part] ?? '') : part));
}
