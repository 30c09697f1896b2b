/**
 * Reads the expiry of an access token without a JWT library. The widget never trusts the
 * token's content for anything but "has it run out?" — the server checks the signature.
 */
export function jwtExpiresAt(token: string): number | undefined {
  try {
    // No payload (not a JWT): `undefined.replace` throws, like a payload that isn't base64 or JSON.
    const payload = (token.split('.')[1] as string).replace(/-/g, '+').replace(/_/g, '/');
    const exp = (JSON.parse(atob(payload)) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
