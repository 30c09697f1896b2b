/**
 * The unlock link's token travels in the URL fragment (`#tour-gate-unlock=…`), so mail scanners
 * that fetch the link never send it to any server. The widget takes it out of the address bar at
 * once, so it is neither bookmarked nor shared nor sent again on reload.
 */
import { UNLOCK_FRAGMENT_KEY } from '@tour-gate/shared';

/** The token in the current URL's fragment, if any. */
export function readUnlockToken(location: Location = window.location): string | undefined {
  const params = new URLSearchParams(location.hash.slice(1));
  return params.get(UNLOCK_FRAGMENT_KEY) ?? undefined;
}

/**
 * Removes the token from the address bar without a reload or a new history entry. Other
 * parameters a tour page keeps in its fragment (a scene id, say) stay.
 */
export function removeUnlockToken(): void {
  const url = new URL(window.location.href);
  const params = new URLSearchParams(url.hash.slice(1));
  params.delete(UNLOCK_FRAGMENT_KEY);
  const rest = params.toString();
  url.hash = rest ? `#${rest}` : '';
  // `url.hash = ''` leaves a bare "#" behind in `href`; cut it so the address bar is clean.
  const href = rest ? url.href : url.href.replace(/#$/, '');
  history.replaceState(history.state, '', href);
}
