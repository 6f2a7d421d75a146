const BRAND = Symbol.for('bp.demo-server.DemoError');

/** Codes of the errors the demo's handlers return to a client. */
export type DemoErrorCode =
  | 'invalid-key'
  | 'invalid-value'
  | 'invalid-limit'
  | 'invalid-reading'
  | 'too-many-watches'
  | 'store-unavailable';

/**
 * Wire codes of the demo's errors, in the range bp leaves to applications (1000-65535), so a
 * client in any language can tell them apart.
 */
export const DEMO_ERROR_WIRE_CODES: Readonly<Record<DemoErrorCode, number>> = {
  'invalid-key': 1001,
  'invalid-value': 1002,
  'invalid-limit': 1003,
  'invalid-reading': 1004,
  'too-many-watches': 1005,
  'store-unavailable': 1006,
};

/**
 * A request the demo refuses. Thrown inside a handler it becomes the error reply of that one
 * request; `code` is stable and `message` is safe to show to the client.
 */
export class DemoError extends Error {
  override readonly name = 'DemoError';
  readonly code: DemoErrorCode;
  /** The number sent in the ERROR frame. */
  readonly wireCode: number;
  readonly [BRAND] = true;

  constructor(code: DemoErrorCode, message: string) {
    super(message);
    this.code = code;
    this.wireCode = DEMO_ERROR_WIRE_CODES[code];
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
