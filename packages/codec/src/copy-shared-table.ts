/**
 * A table filled by what an app makes (the closures engine's kind compilers and primitive
 * closures, the describers of kinds), so that a bundle holds only the entries its app uses. Each
 * copy of the package in a process (an ESM and a CJS copy, or two versions) has its own entries
 * and falls back on those of every copy, kept on `globalThis` under `key`: a copy asked about a
 * node another copy made finds that copy's entry there.
 * @internal
 */
export class CopySharedTable<K extends string, V> {
  readonly #own: Partial<Record<K, V>> = {};
  readonly #everyCopy: Partial<Record<K, V>>;

  constructor(key: string) {
    const global = globalThis as Record<symbol, Partial<Record<K, V>> | undefined>;
    this.#everyCopy = global[Symbol.for(key)] ??= {};
  }

  /** Adds this copy's entry for `name` (and the shared one, unless another copy was first). */
  set(name: K, value: V): void {
    this.#own[name] = value;
    this.#everyCopy[name] ??= value;
  }

  /** This copy's entry for `name`, else any copy's. */
  get(name: K): V | undefined {
    return this.#own[name] ?? this.#everyCopy[name];
  }
}
