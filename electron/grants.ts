/**
 * What the user gave the app from outside the page (DESIGN 'Trust boundaries'): files the OS
 * asked it to open, files named on the command line, and picks in its own Open dialog. The
 * page is untrusted; these grants are what it may use. A page's jobs may read the granted
 * files and folders, and only the user's own job file, sent back exactly as it was read, is
 * run as a job file (which may load a custom kind from its own folder). Kept in the main
 * process, for the app's lifetime.
 */
import path from 'node:path';

export class UserGrants {
  readonly #paths = new Set<string>();
  /** Job file → the document it held when it was read, as JSON text (compared, and parsed afresh). */
  readonly #jobs = new Map<string, string>();

  /** A file or folder the user gave. */
  grantPath(file: string): void {
    this.#paths.add(path.resolve(file));
  }

  /** A job file the user gave, with the document it held (the last one read wins). */
  grantJobFile(file: string, doc: unknown): void {
    const key = path.resolve(file);
    this.#paths.add(key);
    const text = jsonText(doc);
    if (text === undefined) this.#jobs.delete(key);
    else this.#jobs.set(key, text);
  }

  /** Every granted file and folder, absolute. */
  paths(): string[] {
    return [...this.#paths];
  }

  /**
   * The document of the user's job file at `source` — a fresh copy of the one read from disk —
   * when `job` is exactly that document; undefined for anything else. `source` must be the
   * path as granted (the page got it with the job), not something that merely resolves to it.
   */
  jobFileDocument(source: string, job: unknown): unknown {
    const granted = this.#jobs.get(source);
    if (granted === undefined || jsonText(job) !== granted) return undefined;
    return JSON.parse(granted) as unknown;
  }
}

/** JSON text of a value, or undefined when it has none (a structured clone may hold cycles, BigInts…). */
function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
