/**
 * Where webhooks may go: an http(s) URL without credentials, https with every address the host
 * resolves to public, unless the operator allows private ones (`GATE_WEBHOOKS_ALLOW_PRIVATE=1`).
 * Checked when a webhook is saved and again before every try (an address may change).
 */
import { type LookupAllOptions, lookup as lookupCallback } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent } from 'undici';

/** Loopback, private, link-local, CGNAT, unspecified, multicast and reserved ranges (v4 and v6). */
function isPrivateAddress(address: string): boolean {
  const v = isIP(address);
  if (v === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  if (v === 6) {
    const x = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(x);
    if (mapped?.[1]) return isPrivateAddress(mapped[1]);
    // The URL parser writes an IPv4-mapped address in hex (`::ffff:7f00:1`).
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(x);
    if (hex?.[1] && hex[2]) {
      const hi = Number.parseInt(hex[1], 16);
      const lo = Number.parseInt(hex[2], 16);
      return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return (
      x === '::' ||
      x === '::1' ||
      /^f[cd]/.test(x) ||
      /^fe[89ab]/.test(x) ||
      x.startsWith('ff') ||
      x.startsWith('64:ff9b:') ||
      x.startsWith('2001:db8')
    );
  }
  return true;
}

/**
 * Why `url` may not receive webhooks (`https_required`, `private_address`, `invalid`), or
 * undefined when it may. The host is resolved and every address checked.
 */
export async function urlProblem(
  url: string,
  allowPrivate: boolean,
): Promise<'invalid' | 'https_required' | 'private_address' | 'unresolvable' | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'invalid';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'invalid';
  if (u.username || u.password) return 'invalid';
  if (allowPrivate) return undefined;
  if (u.protocol !== 'https:') return 'https_required';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return 'unresolvable';
    }
  }
  if (!addresses.length) return 'unresolvable';
  return addresses.some(isPrivateAddress) ? 'private_address' : undefined;
}

/**
 * A name lookup for outgoing connections that fails for private addresses. The check before a
 * try resolves the host once, the connection resolves it again: a name that answers a public
 * address first and a private one next (DNS rebinding) is caught here, where the connection
 * actually goes. Literal IP addresses don't pass through a lookup; `urlProblem` refuses those.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  const all: LookupAllOptions = { all: true, ...(options.family ? { family: options.family } : {}) };
  lookupCallback(hostname, all, (err, list) => {
    if (err) return callback(err, '', 0);
    if (!list.length || list.some((a) => isPrivateAddress(a.address))) {
      const refused = Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' });
      return callback(refused, '', 0);
    }
    if (options.all) return callback(null, list);
    const [first] = list;
    callback(null, first?.address ?? '', first?.family ?? 0);
  });
};

/** The connection pool for webhook deliveries: every connection's address is checked. */
export function publicOnlyDispatcher(): Agent {
  return new Agent({ connect: { lookup: publicOnlyLookup } });
}
