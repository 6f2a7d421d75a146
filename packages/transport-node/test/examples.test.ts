import { generateTestPki, type TestPki } from '@bp/test-kit/pki';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { main } from '../examples/quick-start.js';

let pki: TestPki;
beforeAll(() => {
  pki = generateTestPki();
});
afterAll(() => pki?.dispose());

test('the README example runs over TCP', async () => {
  expect(await main()).toEqual(['a = 42', 'status: sensor 7 at 21.5 C', 'closed over TCP']);
});

test('the README example runs over TLS', async () => {
  const log = await main({ key: pki.server.key, cert: pki.server.cert, ca: pki.ca });
  expect(log).toEqual(['a = 42', 'status: sensor 7 at 21.5 C', 'closed over TLS']);
});
