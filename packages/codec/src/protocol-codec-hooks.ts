import type { Codec } from './codec.js';

/**
 * What a codec class tells ProtocolConfig that its schema alone does not say, as a method named
 * `'~protocolHooks'` (the `~` prefix of Standard Schema's `'~standard'`: tooling, not API).
 * MessageStructure has it (its length-prefixed layout, its own decode rules), so ProtocolConfig
 * need not import it and an app that uses only the DSL does not bundle the Python-compatible
 * classes. A string key, not a symbol: a computed class key keeps a bundler from dropping the class.
 */
export interface ProtocolCodecHooks {
  /** Messages of this codec carry a `>I` payload length on the wire. */
  readonly lengthPrefixed: boolean;
  /** The same codec on the interpreted engine, keeping the class's own decode rules. */
  interpreted(): Codec<unknown>;
}

/** The hooks of `codec`, if its class has any. */
export function protocolCodecHooks(codec: Codec<unknown>): ProtocolCodecHooks | undefined {
  const hooks = (codec as { '~protocolHooks'?: () => ProtocolCodecHooks })['~protocolHooks'];
  return typeof hooks === 'function' ? hooks.call(codec) : undefined;
}
