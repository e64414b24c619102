/**
 * Which URL is the app's own page: the Vite dev server's origin under `electron-forge start`;
 * packaged, exactly `app://<renderer name>/index.html`, which app-protocol.ts serves from the
 * renderer's build folder. Not file://: a file:// page shares its origin with every local
 * file, so the CSP's 'self' and the sender check would mean "any file on disk"; app:// is an
 * origin of its own that holds the app's files and nothing else. Used to load the window, by
 * the IPC sender check and by the navigation guards.
 */

/** The custom scheme the packaged page is served over (app-protocol.ts). */
export const APP_SCHEME = 'app';

/** Where the window's page comes from. */
export type AppPage =
  | { devServerUrl: string }
  /** `rendererDir`: the renderer's build folder; `host`: the URL host it is served under. */
  | { rendererDir: string; host: string };

/** The URL the window loads. */
export function appPageUrl(page: AppPage): string {
  return 'devServerUrl' in page ? page.devServerUrl : `${APP_SCHEME}://${page.host}/index.html`;
}

/** A predicate: is `url` (of a frame or a navigation target) the app's own page? */
export function appUrlMatcher(page: AppPage): (url: string) => boolean {
  if ('devServerUrl' in page) {
    const origin = new URL(page.devServerUrl).origin;
    return (url) => {
      try {
        return new URL(url).origin === origin;
      } catch {
        return false;
      }
    };
  }
  return (url) => {
    try {
      const parsed = new URL(url);
      // A query or hash does not make it another document; anything else does.
      return (
        parsed.protocol === `${APP_SCHEME}:` &&
        parsed.host === page.host &&
        parsed.username === '' &&
        parsed.password === '' &&
        parsed.pathname === '/index.html'
      );
    } catch {
      return false;
    }
  };
}
