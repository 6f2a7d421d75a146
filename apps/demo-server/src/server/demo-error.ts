import { ApplicationError } from '@bp/session';
import { DemoErrorCode, type DemoErrorName } from '../schema.js';

/**
 * A request the demo refuses. Thrown inside a handler it becomes the ERROR answer of that one
 * request, with the wire code of {@link DemoErrorCode} and this message, which is written to be
 * shown to the client.
 */
export class DemoError extends ApplicationError {
  static override readonly brand: string = '@bp/demo-server:DemoError';
  /** Which rule the request broke (the name of its wire code). */
  readonly reason: DemoErrorName;

  constructor(reason: DemoErrorName, message: string) {
    super(DemoErrorCode[reason], message);
    this.reason = reason;
  }
}
