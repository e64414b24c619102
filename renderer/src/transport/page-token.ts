/**
 * The browser-mode access token as the page holds it (the server side is
 * solver/serve/access.ts). Read once from the address the user opened: `#token=…` (the
 * fragment is never sent to any server), or `?token=…` from URLs printed by older versions.
 * Kept in sessionStorage, so a reload (F5) of this tab still has it: that storage belongs to
 * this origin, port included, so no other service on this host can read it, and no request
 * carries it. Then removed from the address bar, so it is not bookmarked, shared or shown.
 * Never in a cookie: cookies ignore ports, and every other local service would receive it.
 */

const STORAGE_KEY = 'solver-farm-token';
/** What `solver-farm serve` generates (24 random bytes, base64url) or accepts (16+ URL-safe characters). */
const TOKEN = /^[A-Za-z0-9_-]{16,512}$/;

/** The page's token, or null when it was opened without one and has none stored. */
export function takePageToken(win: Window = window): string | null {
  const url = new URL(win.location.href);
  const hash = new URLSearchParams(url.hash.slice(1));
  const given = hash.get('token') ?? url.searchParams.get('token');
  if (given !== null) {
    hash.delete('token');
    url.searchParams.delete('token');
    const rest = hash.toString();
    url.hash = rest === '' ? '' : `#${rest}`;
    win.history.replaceState(win.history.state, '', url.href);
  }
  if (given !== null && TOKEN.test(given)) {
    try {
      win.sessionStorage.setItem(STORAGE_KEY, given);
    } catch {
      // Storage off (a privacy mode): the token still works until the page is reloaded.
    }
    return given;
  }
  try {
    return win.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/**
 * A printed URL pasted into a tab that already shows the panel changes only the fragment, so
 * the browser does not load the page again and the page would keep its old token (say, of a
 * server since restarted). Reload instead, so the new token is taken on a fresh load.
 */
export function reloadOnNewToken(win: Window = window): void {
  win.addEventListener('hashchange', () => {
    if (new URLSearchParams(win.location.hash.slice(1)).has('token')) win.location.reload();
  });
}
