/**
 * Which URLs are the app's own page: the Vite dev server's origin under `electron-forge start`,
 * or exactly the packaged `file://…/index.html`. Used by the IPC sender check and by the
 * navigation guard.
 */
import { pathToFileURL } from 'node:url';

/** Where the window's page comes from. */
export type AppPage = { devServerUrl: string } | { indexFile: string };

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
  const expected = pathToFileURL(page.indexFile).href;
  return (url) => {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'file:') return false;
      // A query or hash does not make it another document.
      parsed.search = '';
      parsed.hash = '';
      return parsed.href === expected;
    } catch {
      return false;
    }
  };
}
