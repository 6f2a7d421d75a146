/**
 * What a session builds from an options object it is given (limits, handlers), kept per
 * (owner, options object) so that the sessions a server makes with the same objects share one
 * result: every idle connection is then a few hundred bytes smaller. The object's own entries are
 * compared on every lookup, so an object changed since is built again.
 */
export class OptionsCache<Owner extends object, Value> {
  readonly #byOwner = new WeakMap<Owner, WeakMap<object, Entry<Value>>>();

  /** The value built from `given` for `owner`, built with `build` when missing or stale. */
  get(owner: Owner, given: object, build: () => Value): Value {
    let byGiven = this.#byOwner.get(owner);
    if (byGiven === undefined) this.#byOwner.set(owner, (byGiven = new WeakMap()));
    const cached = byGiven.get(given);
    if (cached !== undefined && sameEntries(given, cached.given)) return cached.value;
    const value = build();
    byGiven.set(given, { given: Object.entries(given), value });
    return value;
  }
}

interface Entry<Value> {
  /** The object's own entries when the value was built (the object may have changed since). */
  readonly given: readonly (readonly [string, unknown])[];
  readonly value: Value;
}

function sameEntries(given: object, seen: readonly (readonly [string, unknown])[]): boolean {
  const now = Object.entries(given);
  return (
    now.length === seen.length && now.every(([k, v], i) => seen[i]![0] === k && Object.is(seen[i]![1], v))
  );
}
