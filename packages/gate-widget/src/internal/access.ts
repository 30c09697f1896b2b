/**
 * The visitor's access to one tour in this browser: the token stored per server and tour, the
 * unlock link in the URL fragment, other tabs (the `storage` event), the short-lived asset grant
 * and its renewal, and the server's word on revocation. `<tour-gate>` turns what happens here
 * into events and screens.
 */
import {
  accessEndsAt,
  accessKey,
  clearAccess,
  readAccess,
  type StoredAccess,
  watchAccess,
  writeAccess,
} from '../storage.ts';
import { type Endpoint, errorCode, type GateErrorCode, requestJson, tourUrl } from './api.ts';
import { takeUnlockLink } from './fragment.ts';
import { isAccessResponse, isUnlockResponse } from './wire.ts';

/** Answers of `GET …/access` after which a stored token is worthless. */
const LOST_ACCESS: readonly GateErrorCode[] = ['ACCESS_REVOKED', 'ACCESS_EXPIRED', 'ACCESS_DENIED', 'TOKEN_INVALID'];

/** How long before an asset grant runs out a fresh one is asked for. */
const RENEW_BEFORE_MS = 60_000;

/** When a renewal failed on the network, it is tried again this much later. */
const RETRY_MS = 30_000;

export interface AccessListener {
  /**
   * Locked → unlocked, by a link or another tab (not a token found in storage on load);
   * `viewpoint`: the one the unlock link names, if it was a link that names one.
   */
  unlocked(viewpoint?: string): void;
  /** An unlock link did not work. */
  linkFailed(code: GateErrorCode, token: string): void;
  /** The access held in this page was dropped: the server refused it, it ran out, or another tab dropped it. */
  lost(code: GateErrorCode): void;
}

export class GateAccess {
  readonly #listener: AccessListener;
  #endpoint: Endpoint | undefined;
  #access: StoredAccess | undefined;
  #stopWatch: (() => void) | undefined;
  #renewal: ReturnType<typeof setTimeout> | undefined;
  #checking: Promise<void> | undefined;
  /** The unlock request under way, if any; a second one waits for it instead of being sent. */
  pending: Promise<void> | undefined;
  /** The viewpoint named by the last unlock link taken from the address bar. */
  viewpoint: string | undefined;

  constructor(listener: AccessListener) {
    this.#listener = listener;
  }

  /** The access while it holds; an expired one is dropped here, and reported as lost. */
  get current(): StoredAccess | undefined {
    const access = this.#access;
    if (access && accessEndsAt(access) <= Date.now()) this.#lose('ACCESS_EXPIRED');
    return this.#access;
  }

  /**
   * Settles once no unlock request is under way and, while unlocked, a fresh asset grant is
   * held: a stale one is renewed first (`GET …/access`), which may also find the access lost.
   */
  async settled(): Promise<void> {
    await this.pending;
    const access = this.current;
    if (access && !fresh(access)) await this.#check(access);
  }

  /**
   * Takes over one server and tour: reads the stored access, follows other tabs, and redeems an
   * unlock link in the URL — or, without one, asks the server whether the stored access holds.
   */
  start(endpoint: Endpoint): void {
    this.#endpoint = endpoint;
    this.#set(readAccess(this.#key(endpoint)));
    this.resume();
    if (!this.#redeemFragment() && this.#access) void this.#check(this.#access);
  }

  /** Stops listening to other tabs and the renewal timer (the element left the page). */
  pause(): void {
    this.#stopWatch?.();
    this.#stopWatch = undefined;
    clearTimeout(this.#renewal);
    window.removeEventListener('hashchange', this.#onHashChange);
  }

  /** Listens again after `pause()`. */
  resume(): void {
    const endpoint = this.#endpoint;
    if (!endpoint) return;
    this.#stopWatch?.();
    this.#stopWatch = watchAccess(this.#key(endpoint), this.#onOtherTab);
    // An unlock link opened in a tab that already shows the tour page only changes the fragment.
    window.addEventListener('hashchange', this.#onHashChange);
    this.#set(this.#access);
  }

  /** Redeems an unlock link's token (`POST /v1/unlock`); ignored while one is under way. */
  unlock(token: string): Promise<void> {
    this.pending ??= this.#redeem(token).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  async #redeem(token: string): Promise<void> {
    const endpoint = this.#endpoint;
    if (!endpoint) return;
    try {
      const answer = await requestJson(`${endpoint.server}/v1/unlock`, isUnlockResponse, {
        method: 'POST',
        body: { token },
      });
      const access: StoredAccess = {
        accessToken: answer.accessToken,
        expiresAt: answer.expiresAt,
        assets: answer.assets,
      };
      // Stored under the tour the server names, so a link of another tour never unlocks this one.
      writeAccess(accessKey(endpoint.server, answer.tour), access);
      if (answer.tour === endpoint.tour) this.#grant(access, this.viewpoint);
      else this.#listener.linkFailed('LINK_INVALID', token);
    } catch (error) {
      this.#listener.linkFailed(errorCode(error), token);
    }
  }

  /** The query that signs an asset URL: the grant while it holds; undefined without one. */
  assetQuery(): string | undefined {
    const access = this.current;
    return access && fresh(access) ? access.assets?.query : undefined;
  }

  /** Redeems the unlock link in the URL fragment, if there is one. */
  #redeemFragment(): boolean {
    const link = takeUnlockLink();
    if (link) {
      this.viewpoint = link[1];
      void this.unlock(link[0]);
    }
    return !!link;
  }

  #onHashChange = (): void => {
    this.#redeemFragment();
  };

  #key(endpoint: Endpoint): string {
    return accessKey(endpoint.server, endpoint.tour);
  }

  /** Asks the server whether the access holds, and picks up a fresh asset grant on the way; one request at a time. */
  #check(access: StoredAccess): Promise<void> {
    this.#checking ??= this.#ask(access).finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #ask(access: StoredAccess): Promise<void> {
    const endpoint = this.#endpoint;
    if (!endpoint) return;
    try {
      const answer = await requestJson(tourUrl(endpoint, 'access'), isAccessResponse, {
        accessToken: access.accessToken,
      });
      if (answer.assets && this.#access === access) {
        // Stored, so the other tabs get the fresh grant too without asking.
        const renewed = { ...access, assets: answer.assets };
        writeAccess(this.#key(endpoint), renewed);
        this.#set(renewed);
      }
    } catch (error) {
      const code = errorCode(error);
      if (this.#access !== access) return;
      if (LOST_ACCESS.includes(code)) this.#lose(code);
      // A network failure says nothing about the access: keep it, and renew again a little later.
      else if (this.#stopWatch) {
        clearTimeout(this.#renewal);
        this.#renewal = setTimeout(() => void this.#check(access), RETRY_MS);
      }
    }
  }

  #grant(access: StoredAccess, viewpoint?: string): void {
    // Not through `current`: dropping an expired entry here would delete the one just stored.
    const held = this.#access;
    const wasUnlocked = held !== undefined && accessEndsAt(held) > Date.now();
    this.#set(access);
    if (!wasUnlocked) this.#listener.unlocked(viewpoint);
  }

  /** Drops the access held here and tells the listener. */
  #lose(code: GateErrorCode): void {
    this.#set(undefined);
    if (this.#endpoint) clearAccess(this.#key(this.#endpoint));
    this.#listener.lost(code);
  }

  /** Sets the access and plans the renewal of its asset grant shortly before the grant runs out. */
  #set(access: StoredAccess | undefined): void {
    this.#access = access;
    clearTimeout(this.#renewal);
    this.#renewal = undefined;
    const grant = access?.assets;
    if (!access || !grant || !this.#stopWatch) return;
    const due = Date.parse(grant.expiresAt) - Date.now() - RENEW_BEFORE_MS;
    // Never sooner than a few seconds (no loop on a grant that is already short), never beyond
    // what setTimeout can count (2^31 - 1 ms).
    const delay = Math.min(Math.max(due, 5_000), 2 ** 31 - 1);
    this.#renewal = setTimeout(() => void this.#check(access), delay);
  }

  /** Another tab stored or dropped the access of this tour. */
  #onOtherTab = (access: StoredAccess | undefined): void => {
    const held = this.#access;
    if (access) this.#grant(access);
    else if (held) {
      this.#set(undefined);
      this.#listener.lost(accessEndsAt(held) <= Date.now() ? 'ACCESS_EXPIRED' : 'ACCESS_REVOKED');
    }
  };
}

/** Whether the access carries an asset grant that has not run out. */
const fresh = (access: StoredAccess): boolean => Date.parse(access.assets?.expiresAt ?? '') > Date.now();
