/** Admission control for `maxConnections` and `maxConnectionsPerAddress`. */
export class ConnectionLimiter {
  readonly #perAddress = new Map<string, number>();
  #total = 0;
  readonly #maxTotal: number;
  readonly #maxPerAddress: number;

  constructor(maxTotal: number, maxPerAddress: number) {
    this.#maxTotal = maxTotal;
    this.#maxPerAddress = maxPerAddress;
  }

  /** Connections currently admitted. */
  get total(): number {
    return this.#total;
  }

  /** Admitted connections from `address`. */
  countFor(address: string): number {
    return this.#perAddress.get(address) ?? 0;
  }

  /**
   * Admits one connection from `address`, or returns which limit refused it. Every admitted
   * connection must be given back exactly once with {@link ConnectionLimiter.release}.
   */
  admit(address: string): 'ok' | 'total' | 'per-address' {
    if (this.#total >= this.#maxTotal) return 'total';
    const current = this.#perAddress.get(address) ?? 0;
    if (current >= this.#maxPerAddress) return 'per-address';
    this.#perAddress.set(address, current + 1);
    this.#total++;
    return 'ok';
  }

  /** Gives back a connection admitted for `address`. */
  release(address: string): void {
    const current = this.#perAddress.get(address);
    if (current === undefined) return;
    if (current <= 1) this.#perAddress.delete(address);
    else this.#perAddress.set(address, current - 1);
    this.#total--;
  }
}
