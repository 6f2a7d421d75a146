import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BpError, DecodeError, isBpError, u32 } from '../src/index.node.js';

describe('BpError.from', () => {
  test('a bp error comes back as it is, subclass and code kept', () => {
    let thrown: unknown;
    try {
      u32.decode(new Uint8Array(2));
    } catch (e) {
      thrown = e;
    }
    const error = BpError.from(thrown, 'other');
    expect(error).toBe(thrown);
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.code).toBe('truncated');
  });

  test('an Error keeps its message, gets the code asked for, and is the cause', () => {
    const original = new RangeError('port 70000 is out of range');
    const error = BpError.from(original, 'listen-failed');
    expect(error).toBeInstanceOf(BpError);
    expect([error.code, error.message, error.cause]).toEqual(['listen-failed', original.message, original]);
    expect(BpError.from(new Error('x')).code).toBe('unknown');
  });

  test('aborts and signal timeouts get their own codes', () => {
    const controller = new AbortController();
    controller.abort();
    expect(BpError.from(controller.signal.reason, 'handler-error').code).toBe('aborted');
    const timeout = new DOMException('The operation timed out.', 'TimeoutError');
    expect(BpError.from(timeout).code).toBe('timeout');
  });

  test('anything thrown becomes a BpError whose message says what it was, never a crash', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const error = BpError.from(value, 'wrapped');
        expect(isBpError(error)).toBe(true);
        expect(typeof error.message).toBe('string');
        expect(error.cause).toBe(value);
        if (typeof value === 'string') expect(error.message).toBe(value);
      }),
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(BpError.from(cyclic).message).toMatch(/cannot be shown/);
    expect(BpError.from(42).message).toBe('non-error value thrown: 42');
    expect(BpError.from(undefined).message).toBe('non-error value thrown: undefined');
  });
});
