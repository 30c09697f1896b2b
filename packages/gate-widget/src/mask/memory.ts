/**
 * What the mask remembers between openings, for the life of the page and never longer: the
 * values the visitor typed (closing the mask with Escape or ✕ must not throw them away, on a
 * phone least of all) and until when the server asked to wait. Held in memory only — typed
 * personal data never goes to `localStorage` — and per gate (the key is `<tour-gate>`'s
 * endpoint object, one per server and tour).
 */

/** Control name → value: text as typed, checkboxes as booleans. */
export type Values = Record<string, string | boolean>;

export interface MaskMemory {
  values: Values;
  /** Milliseconds since the epoch until which the server refuses requests (`RATE_LIMITED`). */
  limitedUntil?: number | undefined;
}

const memories = new WeakMap<object, MaskMemory>();

/** The memory of one gate; a fresh one the first time. */
export function memoryOf(key: object | undefined): MaskMemory {
  if (!key) return { values: {} };
  let memory = memories.get(key);
  if (!memory) {
    memory = { values: {} };
    memories.set(key, memory);
  }
  return memory;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function controlsOf(root: ParentNode): Control[] {
  return [...root.querySelectorAll<Control>('input[name], select[name], textarea[name]')];
}

/** Reads every named control under `root` into `values` (the captcha's token is no control here). */
export function saveValues(root: ParentNode, values: Values): void {
  for (const control of controlsOf(root)) {
    values[control.name] =
      control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value;
  }
}

/** Puts remembered values back into the controls under `root`. */
export function restoreValues(root: ParentNode, values: Values): void {
  for (const control of controlsOf(root)) {
    const value = values[control.name];
    if (value === undefined) continue;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = value === true;
    else control.value = String(value);
  }
}
