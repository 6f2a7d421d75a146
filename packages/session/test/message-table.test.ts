import { ProtocolConfig, struct, u8 } from '@bp/codec';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { MessageTable } from '../src/message-table.js';

const FORMATS = ['<', '>', '!'].flatMap((order) => [...'bBhHiIlL'].map((code) => `${order}${code}`));

test('the type header reader of every header format agrees with the codec', () => {
  const tables = FORMATS.map((headerFormat) => {
    const protocol = new ProtocolConfig({ headerFormat, messageStructures: { 1: struct({ a: u8 }) } });
    const table = MessageTable.of(protocol);
    if (table === undefined) throw new Error(`no message table for ${headerFormat}`);
    return { headerFormat, protocol, table };
  });
  fc.assert(
    fc.property(
      fc.constantFrom(...tables),
      fc.uint8Array({ minLength: 4, maxLength: 12 }),
      fc.nat(8),
      ({ protocol, table }, bytes, at) => {
        fc.pre(at + table.headerSize <= bytes.length);
        expect(table.readType(bytes, at)).toBe(protocol.readType(bytes, at));
      },
    ),
    { numRuns: 2000 },
  );
});

test('the type header writer and reader round-trip every type a header holds', () => {
  for (const headerFormat of FORMATS) {
    const protocol = new ProtocolConfig({ headerFormat, messageStructures: { 1: struct({ a: u8 }) } });
    const table = MessageTable.of(protocol) as MessageTable;
    const bits = table.headerSize * 8;
    const signed = headerFormat[1] === headerFormat[1].toLowerCase();
    const min = signed ? -(2 ** (bits - 1)) : 0;
    const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    const target = new Uint8Array(6);
    for (const type of [min, min + 1, -1, 0, 1, 127, 128, 255, 256, 32767, 32768, 65535, max - 1, max]) {
      if (type < min || type > max) continue;
      table.writeType(target, 1, type);
      expect(table.readType(target, 1), `${headerFormat} ${type}`).toBe(type);
      expect(protocol.readType(target, 1), `${headerFormat} ${type}`).toBe(type);
    }
  }
});
