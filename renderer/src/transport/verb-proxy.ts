import type { FarmApi, FarmListener, FarmVerb } from '../../../solver/api.ts';

/** Sends one request and resolves with the farm's answer. */
export type VerbSender = (verb: FarmVerb, args: unknown[]) => Promise<unknown>;

/**
 * Names a verb never has, answered as a plain object would: `then` (so the API is never taken
 * for a promise when returned from an async function) and `toJSON` (JSON.stringify).
 */
const NOT_VERBS = new Set<string | symbol>(['then', 'toJSON']);

/**
 * FarmApi as a generic proxy: every FarmVerb method call becomes `send(verb, args)`, so a verb
 * added to FarmApi needs nothing here. The page may import only types from solver/ (DESIGN
 * 'Rooms'), so it holds no list of the verbs: any other name is sent, and the server refuses
 * one it does not know (a `bad-request` reply). Trailing `undefined` arguments are dropped,
 * as JSON would turn them into `null`, which the server's checks rightly refuse.
 */
export function farmApiProxy(send: VerbSender, subscribe: (listener: FarmListener) => () => void): FarmApi {
  const verbs = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const target = { subscribe };
  return new Proxy(target, {
    get(obj, name, receiver) {
      if (typeof name !== 'string' || NOT_VERBS.has(name) || name in obj) return Reflect.get(obj, name, receiver);
      let verb = verbs.get(name);
      if (verb === undefined) {
        // One function per name, so `api.start === api.start` (stable for React dependencies).
        verb = (...args) => {
          while (args.length > 0 && args.at(-1) === undefined) args.pop();
          return send(name as FarmVerb, args);
        };
        verbs.set(name, verb);
      }
      return verb;
    },
  }) as unknown as FarmApi;
}
