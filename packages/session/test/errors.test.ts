import { describe, expect, test } from 'vitest';
import {
  ApplicationError,
  ErrorCode,
  errorCodeName,
  isApplicationError,
  isSessionError,
  SessionError,
} from '../src/index.js';

describe('SessionError', () => {
  test('instanceof and the guards work across two copies of the package (ESM + CJS installs)', async () => {
    // A second instance of the module, as a dual install would load it.
    const second: string = '../src/session-error.js?second-copy';
    const copy = (await import(/* @vite-ignore */ second)) as typeof import('../src/session-error.js');
    expect(copy.SessionError).not.toBe(SessionError);
    const foreign = new copy.SessionError('timeout', 'request 1 timed out', { requestId: 1 });
    expect(foreign instanceof SessionError).toBe(true);
    expect(isSessionError(foreign)).toBe(true);
    expect(new SessionError('aborted', 'x') instanceof copy.SessionError).toBe(true);
    const app = new copy.ApplicationError(1404, 'no such key');
    expect(isApplicationError(app)).toBe(true);
    expect(app instanceof SessionError).toBe(false);
    expect(new Error('plain') instanceof SessionError).toBe(false);
  });

  test('carries code, wire code, request id, remote flag and cause', () => {
    const cause = new Error('socket reset');
    const error = new SessionError('read-timeout', 'nothing received for 30000 ms', { cause, requestId: 3 });
    expect(error).toMatchObject({ code: 'read-timeout', wireCode: 7, requestId: 3, remote: false, cause });
    expect(error.name).toBe('SessionError');
  });

  test('application codes are 1000..65535', () => {
    expect(() => new ApplicationError(999, 'x')).toThrow(RangeError);
    expect(() => new ApplicationError(65536, 'x')).toThrow(RangeError);
    expect(new ApplicationError(1000, 'x').wireCode).toBe(1000);
  });

  test('every wire code has a distinct number and maps back to its name', () => {
    const numbers = Object.values(ErrorCode);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const [name, code] of Object.entries(ErrorCode)) expect(errorCodeName(code)).toBe(name);
    expect(errorCodeName(999)).toBe('internal-error');
    expect(errorCodeName(4242)).toBe('application-error');
  });
});
