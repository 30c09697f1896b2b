/**
 * The unlock link's token travels in the URL fragment (`#tour-gate-unlock=…`), so mail scanners
 * that fetch the link never send it to any server; next to it, the viewpoint the visitor asked
 * for (`&tour-gate-viewpoint=…`). The widget takes both out of the address bar at once, so the
 * token is neither bookmarked nor shared nor sent again on reload.
 */
import { UNLOCK_FRAGMENT_KEY, UNLOCK_VIEWPOINT_KEY } from '@tour-gate/shared';

/** An unlock link's token and the viewpoint it opens (`undefined` when it names none). */
type UnlockLink = [token: string, viewpoint: string | undefined];

/**
 * Reads the unlock link in the current URL's fragment, if there is one, and removes its two
 * parameters from the address bar without a reload or a new history entry. Other parameters a
 * tour page keeps in its fragment (a scene id, say) stay.
 */
export function takeUnlockLink(): UnlockLink | undefined {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get(UNLOCK_FRAGMENT_KEY);
  if (!token) return;
  const viewpoint = params.get(UNLOCK_VIEWPOINT_KEY) || undefined;
  params.delete(UNLOCK_FRAGMENT_KEY);
  params.delete(UNLOCK_VIEWPOINT_KEY);
  const rest = `${params}`;
  // Relative to the page: `#rest`, or without a fragment at all (not even a bare "#").
  history.replaceState(history.state, '', rest ? `#${rest}` : location.pathname + location.search);
  return [token, viewpoint];
}
