/**
 * Admin API keys. The platform key comes from `GATE_ADMIN_KEY`; per-broker keys are random,
 * shown once at creation, and stored as SHA-256 only. Comparisons are on hashes with
 * `timingSafeEqual`, so the time of a wrong guess tells nothing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GateStore } from '../store/store.ts';
import { newId } from '../util/ids.ts';

export type Principal = { kind: 'platform' } | { kind: 'broker'; brokerId: string };

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export async function createBrokerKey(
  store: GateStore,
  brokerId: string,
  label: string | null,
  now: number,
): Promise<{ id: string; key: string }> {
  const key = `tgk_${randomBytes(32).toString('base64url')}`;
  const id = newId();
  await store.accounts.insertApiKey({
    id,
    key_hash: sha256(key).toString('hex'),
    broker_id: brokerId,
    label,
    created_at: now,
  });
  return { id, key };
}

export async function principalOf(
  store: GateStore,
  platformKey: string | undefined,
  presented: string,
): Promise<Principal | undefined> {
  const hash = sha256(presented);
  if (platformKey && timingSafeEqual(hash, sha256(platformKey))) return { kind: 'platform' };
  const brokerId = await store.accounts.activeKeyBroker(hash.toString('hex'));
  return brokerId ? { kind: 'broker', brokerId } : undefined;
}

/** Revokes a broker key; true when it was active. */
export async function revokeBrokerKey(store: GateStore, id: string, now: number): Promise<boolean> {
  return store.accounts.revokeApiKey(id, now);
}
