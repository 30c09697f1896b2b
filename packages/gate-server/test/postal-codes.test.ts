/** Postal codes through the API: checked by the country the visitor chose, else the tour's own. */
import { expect, it } from 'vitest';
import { forEachBackend } from './backends.ts';
import { registration, TOUR_ORIGIN } from './fixtures.ts';
import { countRows } from './harness.ts';

const REG = '/v1/tours/musterstrasse-12/registrations';
const fieldErrors = async (res: Response) =>
  ((await res.json()) as { error: { code: string; fields?: Record<string, string> } }).error;

forEachBackend('postal codes by country', (backend) => {
  it("offers a country choice with the tour's country and no pattern of its own", async () => {
    const server = await backend.start({ startWorker: false });
    const res = await server.get('/v1/tours/musterstrasse-12/gate', { origin: TOUR_ORIGIN });
    const config = (await res.json()) as { fields: { key: string; defaultCountry?: string; pattern?: string }[] };
    const postal = config.fields.find((f) => f.key === 'postalCode');
    const country = config.fields.find((f) => f.key === 'country');
    expect(postal).toMatchObject({ defaultCountry: 'DE', autocomplete: 'postal-code' });
    expect(postal?.pattern).toBeUndefined();
    expect(country).toMatchObject({ type: 'select', required: false, defaultCountry: 'DE', autocomplete: 'country' });
  });

  it('takes a British code with Great Britain chosen, refuses it for Germany, and stores the country', async () => {
    const server = await backend.start({ startWorker: false });
    const refused = await server.post(REG, registration('london@example.org', { postalCode: 'SW1A 1AA' }));
    expect(refused.status).toBe(422);
    const error = await fieldErrors(refused);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields).toEqual({ postalCode: 'invalid_postal_code' });
    expect(await countRows(server, 'registrations')).toBe(0);

    const ok = await server.post(REG, registration('london@example.org', { postalCode: 'SW1A 1AA', country: 'gb' }));
    expect(ok.status).toBe(202);
    const stored = await server.store.raw.selectFrom('registrations').select('fields').executeTakeFirstOrThrow();
    expect(JSON.parse(stored.fields)).toMatchObject({ postalCode: 'SW1A 1AA', country: 'GB' });

    const noPattern = await server.post(
      REG,
      registration('rio@example.org', { postalCode: '22071-900', country: 'BR' }),
    );
    expect(noPattern.status).toBe(202);
    const made = await server.post(REG, registration('x@example.org', { postalCode: '50667', country: 'XX' }));
    expect((await fieldErrors(made)).fields).toEqual({ country: 'invalid' });
  });
});
