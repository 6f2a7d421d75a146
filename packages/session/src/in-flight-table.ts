/** Shared by every empty table; never written (the first `set` grows the table). */
const NO_KEYS = new Uint32Array(0);
/** The same for the values: an idle connection's two tables then hold no arrays of their own. */
const NO_VALUES: never[] = [];

/**
 * The requests in flight on one session, by request id: an open-addressing hash table that only
 * grows, in place of a `Map`.
 *
 * Why not a `Map`: a session adds and removes an entry per request, and with many requests in
 * flight a `Map`'s size swings between a few entries and many with every batch of replies. V8
 * rebuilds a `Map`'s table on each grow and shrink and links the old table to the new one (for live
 * iterators), entries included. Once the session is in the old generation (any long-lived
 * connection, after its first full GC) each dead table keeps the next one, and the requests in
 * it, alive through every young-generation GC, so per-request objects are promoted and scavenges
 * slow down: measured at 64 requests in flight over TCP, 0.45 M requests/s with a `Map` against
 * 0.7 M with this table (issue 13). This table reuses one array per size and never shrinks.
 *
 * Ids are spread by a multiplicative hash with a random odd factor per table, so a peer that picks
 * its request ids cannot aim them at one slot; the count is bounded by the in-flight limits.
 */
export class InFlightTable<T> {
  // Empty until the first entry: an idle connection holds no slots (it has two tables).
  #keys = NO_KEYS;
  #values: (T | undefined)[] = NO_VALUES;
  #shift = 32;
  readonly #factor = (Math.random() * 0x1_0000_0000) | 1;
  #size = 0;

  /** Entries in the table. */
  get size(): number {
    return this.#size;
  }

  #slot(id: number): number {
    return Math.imul(id, this.#factor) >>> this.#shift;
  }

  /** The entry of `id`, or undefined. */
  get(id: number): T | undefined {
    if (this.#size === 0) return undefined;
    const keys = this.#keys;
    const values = this.#values;
    const mask = keys.length - 1;
    for (let i = this.#slot(id); ; i = (i + 1) & mask) {
      const value = values[i];
      if (value === undefined) return undefined;
      if (keys[i] === id) return value;
    }
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  /** Adds or replaces the entry of `id` (`value` must not be undefined). */
  set(id: number, value: T): void {
    // At most half full, so every probe ends at an empty slot soon.
    if (this.#size * 2 >= this.#keys.length) this.#grow();
    const keys = this.#keys;
    const values = this.#values;
    const mask = keys.length - 1;
    let i = this.#slot(id);
    while (values[i] !== undefined) {
      if (keys[i] === id) {
        values[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = id;
    values[i] = value;
    this.#size++;
  }

  /** Removes the entry of `id`; true when there was one. */
  delete(id: number): boolean {
    if (this.#size === 0) return false;
    const keys = this.#keys;
    const values = this.#values;
    const mask = keys.length - 1;
    let i = this.#slot(id);
    for (;;) {
      if (values[i] === undefined) return false;
      if (keys[i] === id) break;
      i = (i + 1) & mask;
    }
    // Backward-shift deletion (no tombstones): move later entries of the probe run into the gap
    // when their home slot does not lie cyclically in (gap, j].
    let gap = i;
    for (let j = (i + 1) & mask; values[j] !== undefined; j = (j + 1) & mask) {
      const home = this.#slot(keys[j] as number);
      const between = gap <= j ? gap < home && home <= j : gap < home || home <= j;
      if (between) continue;
      keys[gap] = keys[j] as number;
      values[gap] = values[j];
      gap = j;
    }
    values[gap] = undefined;
    this.#size--;
    return true;
  }

  /** The entries, in no particular order (a copy: callers may delete while they walk it). */
  values(): T[] {
    const out: T[] = [];
    for (const value of this.#values) if (value !== undefined) out.push(value);
    return out;
  }

  /**
   * Gives the slots back when the table is empty, to grow again with the next entry: for a
   * connection gone quiet (the table never shrinks while requests come and go).
   */
  release(): void {
    if (this.#size !== 0 || this.#keys === NO_KEYS) return;
    this.#keys = NO_KEYS;
    this.#values = NO_VALUES;
    this.#shift = 32;
  }

  /** Removes every entry (keeps the capacity). */
  clear(): void {
    this.#values.fill(undefined);
    this.#size = 0;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const capacity = Math.max(8, keys.length * 2);
    this.#keys = new Uint32Array(capacity);
    this.#values = new Array<T | undefined>(capacity).fill(undefined);
    this.#shift = Math.clz32(capacity) + 1;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) {
      const value = values[i];
      if (value !== undefined) this.set(keys[i] as number, value);
    }
  }
}
