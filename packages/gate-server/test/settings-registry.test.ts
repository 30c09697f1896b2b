/**
 * The settings page shows every broker setting of the shared tour schema: each setting (and each
 * part of `notifications` and `consent`) is covered by one entry of the registry, or named as
 * no broker setting. A setting added to the schema fails here until it has its entry.
 */
import { expect, it } from 'vitest';
import { settingsStrings } from '../src/dashboard/settings-strings.ts';
import {
  COVERED_PATHS,
  formValuesOf,
  NOT_BROKER_SETTINGS,
  readSettingsForm,
  SETTINGS,
  schemaSettingPaths,
} from '../src/dashboard/views/settings-registry.ts';
import { testConfig } from './fixtures.ts';

it('every broker setting of the tour schema has its entry on the settings page', () => {
  const missing = schemaSettingPaths().filter(
    (p) => !COVERED_PATHS.has(p) && !(NOT_BROKER_SETTINGS as readonly string[]).includes(p),
  );
  expect(missing).toEqual([]);
  // One entry per setting.
  const keys = SETTINGS.flatMap((e) => e.keys);
  expect(keys.length).toBe(new Set(keys).size);
});

it('a tour read into the form and back is the same tour', () => {
  const s = settingsStrings('de');
  for (const tour of testConfig().tours) {
    const { draft, problems } = readSettingsForm(formValuesOf(tour), tour, s);
    expect(problems).toEqual({});
    expect(draft).toEqual(tour);
  }
});
