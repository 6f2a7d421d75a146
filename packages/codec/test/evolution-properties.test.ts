/**
 * Properties of schema evolution over random schemas: a random compatible edit lets each side
 * read the other as expected, a random breaking edit is reported with its path and rule, and an
 * unchanged schema resolves to a codec that behaves exactly like the native one.
 */
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import {
  array,
  type Codec,
  checkCompatibility,
  type EngineName,
  enumeration,
  isDecodeError,
  optional,
  resolve,
  string,
  struct,
  u8,
  u16,
  union,
  withAliases,
  withDefault,
  withEngine,
} from '../src/index.node.js';
import { ENGINES } from './engines.js';
import {
  build,
  PRIMITIVES,
  type PrimName,
  type Schema,
  structSchemaArb,
  valueArb,
} from './schema-arbitrary.js';

const RUNS = Number(process.env.CODEC_FC_RUNS ?? 150);
vi.setConfig({ testTimeout: Math.max(20_000, RUNS * 120) });

type Fields = [string, Schema][];
type Value = Record<string, unknown>;

/** An edit: the old schema (plain data), the new one (codecs) and how values move between them. */
interface Edit {
  old: Fields;
  next: (engine: EngineName) => Record<string, Codec<any>>;
  /** What the new schema reads from an old value. */
  fwd: (v: Value) => Value;
  /** What the old schema reads from a new value made by `fwd`, when it can (old readers of new data). */
  back?: (v: Value) => Value;
  /** False when the new schema dropped a required field: it cannot write the old layout. */
  writesBack?: false;
  /** The new schema as data, when the reverse should also see values only it can hold. */
  nextFields?: Fields;
}

const omit = (v: Value, key: string): Value =>
  Object.fromEntries(Object.entries(v).filter(([k]) => k !== key));
const shapeOf = (fields: Fields, engine: EngineName) =>
  Object.fromEntries(fields.map(([n, s]) => [n, build(s, engine)])) as Record<string, Codec<any>>;

const WIDENINGS: [PrimName, PrimName][] = [
  ['u8', 'u16'],
  ['u16', 'u32'],
  ['u32', 'u64'],
  ['u8', 'i16'],
  ['u32', 'i64'],
  ['i8', 'i32'],
  ['i32', 'i64'],
  ['f32', 'f64'],
  ['i16', 'f32'],
  ['u32', 'f64'],
  ['u16', 'u16le'],
];
const isBig = (p: PrimName) => p.startsWith('u64') || p.startsWith('i64');

const editArb = (base: Fields, depth: number): fc.Arbitrary<Edit> => {
  const addDefault = fc.tuple(fc.nat(base.length), fc.integer({ min: 0, max: 255 })).map(
    ([at, d]): Edit => ({
      old: base,
      next: (e) => {
        const entries = Object.entries(shapeOf(base, e));
        entries.splice(at, 0, ['added', withDefault(u8, d)]);
        return Object.fromEntries(entries);
      },
      fwd: (v) => ({ ...v, added: d }),
      back: (v) => omit(v, 'added'),
    }),
  );
  const options: fc.Arbitrary<Edit>[] = [addDefault];
  if (base.length > 0) {
    const field = fc.nat(base.length - 1);
    options.push(
      field.map((i): Edit => {
        const [name, s] = base[i];
        return {
          old: base,
          next: (e) => omit(shapeOf(base, e), name) as Record<string, Codec<any>>,
          fwd: (v) => omit(v, name),
          // An old reader fills a dropped optional field with absent; a required one it cannot.
          back: s.k === 'optional' ? (v) => ({ ...v, [name]: undefined }) : undefined,
          ...(s.k === 'optional' ? {} : { writesBack: false as const }),
        };
      }),
      field.map((i): Edit => {
        const [name] = base[i];
        return {
          old: base,
          next: (e) => ({ ...shapeOf(base, e), [name]: optional(build(base[i][1], e)) }),
          fwd: (v) => v,
        };
      }),
      field.map((i): Edit => {
        const [name, s] = base[i];
        const renamed = `${name}Renamed`;
        return {
          old: base,
          next: (e) => {
            const shape = shapeOf(base, e);
            return Object.fromEntries(
              Object.entries(shape).map(([n, c]) =>
                n === name ? [renamed, withAliases(build(s, e), [name])] : [n, c],
              ),
            );
          },
          fwd: (v) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k === name ? renamed : k, x])),
          back: (v) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k === renamed ? name : k, x])),
        };
      }),
    );
  }
  options.push(
    fc.constantFrom(...WIDENINGS).map(
      ([from, to]): Edit => ({
        old: [...base, ['num', { k: 'prim', name: from }]],
        next: (e) => ({ ...shapeOf(base, e), num: PRIMITIVES[to] }),
        fwd: (v) => ({ ...v, num: isBig(to) && !isBig(from) ? BigInt(v.num as number) : v.num }),
      }),
    ),
    fc.subarray(['p', 'q', 'r'], { minLength: 1 }).map(
      (values): Edit => ({
        old: [...base, ['en', { k: 'enum', values }]],
        next: (e) => ({
          ...shapeOf(base, e),
          en: enumeration([...values, 'added'], { fallback: 'added', engine: e }),
        }),
        fwd: (v) => v,
      }),
    ),
  );
  // Both directions of a new member: the old schema declares a fallback, so it reads the new
  // member as that; the new schema reads every old member as itself.
  options.push(
    fc.subarray(['p', 'q', 'r'], { minLength: 1 }).map(
      (values): Edit => ({
        old: [...base, ['en', { k: 'enum', values, fallback: values[0] }]],
        next: (e) => ({
          ...shapeOf(base, e),
          en: enumeration([...values, 'added'], { fallback: values[0], engine: e }),
        }),
        nextFields: [...base, ['en', { k: 'enum', values: [...values, 'added'], fallback: values[0] }]],
        fwd: (v) => v,
        back: (v) => ({ ...v, en: v.en === 'added' ? values[0] : v.en }),
      }),
    ),
    fc.constant<Edit>({
      old: [
        ...base,
        [
          'un',
          {
            k: 'union',
            tagKey: 'kind',
            variants: [
              ['a', [['x', { k: 'prim', name: 'u8' }]]],
              ['other', []],
            ],
            fallback: 'other',
          },
        ],
      ],
      next: (e) => ({
        ...shapeOf(base, e),
        un: union(
          'kind',
          {
            a: struct({ x: u8 }, { engine: e }),
            b: struct({ text: string({ engine: e }) }, { engine: e }),
            other: struct({}, { engine: e }),
          },
          { fallback: 'other', engine: e },
        ),
      }),
      nextFields: [
        ...base,
        [
          'un',
          {
            k: 'union',
            tagKey: 'kind',
            variants: [
              ['a', [['x', { k: 'prim', name: 'u8' }]]],
              ['b', [['text', { k: 'string', prefix: 'u32' }]]],
              ['other', []],
            ],
            fallback: 'other',
          },
        ],
      ],
      fwd: (v) => v,
      back: (v) => {
        const un = v.un as { kind: string };
        return un.kind === 'b' ? { ...v, un: { kind: 'other' } } : v;
      },
    }),
  );
  if (depth === 0) {
    // Nest: the same kinds of edit one struct down.
    options.push(
      editArb(base.slice(0, 2), 1).map(
        (inner): Edit => ({
          old: [...base, ['nest', { k: 'struct', fields: inner.old }]],
          next: (e) => ({ ...shapeOf(base, e), nest: struct(inner.next(e), { engine: e }) }),
          fwd: (v) => ({ ...v, nest: inner.fwd(v.nest as Value) }),
          back:
            inner.back === undefined
              ? undefined
              : (v) => ({ ...v, nest: (inner.back as (x: Value) => Value)(v.nest as Value) }),
          ...(inner.writesBack === false ? { writesBack: false as const } : {}),
        }),
      ),
    );
  }
  return fc.oneof(...options);
};

const caseArb = structSchemaArb.chain((s) => {
  const base = (s as { fields: Fields }).fields;
  return editArb(base, 0).chain((edit) =>
    fc.record({
      edit: fc.constant(edit),
      value: valueArb({ k: 'struct', fields: edit.old }) as fc.Arbitrary<Value>,
      // A value of the new schema, for edits whose new schema holds values the old one cannot.
      newValue: (edit.nextFields === undefined
        ? fc.constant(undefined)
        : valueArb({ k: 'struct', fields: edit.nextFields })) as fc.Arbitrary<Value | undefined>,
      engine: fc.constantFrom(...ENGINES),
    }),
  );
});

describe('compatible edits', () => {
  test('the new schema reads old bytes as expected, and writes new values back as the old bytes', () => {
    fc.assert(
      fc.property(caseArb, ({ edit, value, engine }) => {
        const oldCodec = withEngine(build({ k: 'struct', fields: edit.old }, engine), engine);
        const newCodec = struct(edit.next(engine), { engine });
        expect(checkCompatibility(oldCodec, newCodec).issues).toEqual([]);
        const r = resolve(JSON.parse(JSON.stringify(oldCodec.describe())), newCodec);
        const bytes = oldCodec.encode(value);
        const seen = r.decode(bytes);
        expect(seen).toEqual(edit.fwd(value));
        // Answering an old peer: the new value in the old layout reads back as the old value,
        // unless the new schema dropped a required field (it has nothing to fill it with).
        if (edit.writesBack === false) {
          expect(() => r.encode(seen)).toThrow(expect.objectContaining({ code: 'missing-field' }));
        } else {
          expect(oldCodec.decode(r.encode(seen))).toEqual(edit.back?.(seen) ?? value);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('and the reverse: where the edit allows it, the old schema reads new bytes as expected', () => {
    fc.assert(
      fc.property(caseArb, ({ edit, value, newValue: drawn, engine }) => {
        const oldCodec = withEngine(build({ k: 'struct', fields: edit.old }, engine), engine);
        const newCodec = struct(edit.next(engine), { engine });
        const report = checkCompatibility(newCodec.describe(), oldCodec);
        if (edit.back === undefined) return;
        expect(report.issues).toEqual([]);
        const r = resolve(newCodec.describe(), oldCodec);
        const newValue = drawn ?? edit.fwd(value);
        expect(r.decode(newCodec.encode(newValue))).toEqual(edit.back(newValue));
      }),
      { numRuns: RUNS },
    );
  });

  test('an enum member only the new schema has reads as the fallback', () => {
    const Old = struct({ en: enumeration(['p', 'q'], { fallback: 'q' }) });
    const New = struct({ en: enumeration(['p', 'q', 'added']) });
    const r = resolve(New.describe(), Old);
    expect(r.decode(New.encode({ en: 'added' }))).toEqual({ en: 'q' });
  });
});

/** A breaking edit and the issue it must produce. */
interface Breaking {
  old: Fields;
  next: (engine: EngineName) => Record<string, Codec<any>>;
  path: string;
  rule: string;
}

const breakingArb = (base: Fields, prefix: string): fc.Arbitrary<Breaking> => {
  const shape = (e: EngineName) => shapeOf(base, e);
  const p = (n: string) => `${prefix}${n}`;
  return fc.oneof(
    fc.constant<Breaking>({
      old: base,
      next: (e) => ({ ...shape(e), added: u8 }),
      path: p('added'),
      rule: 'missing-default',
    }),
    fc
      .constantFrom<[PrimName, PrimName]>(
        ['u16', 'u8'],
        ['i32', 'u32'],
        ['f64', 'f32'],
        ['u64', 'i64'],
        ['u8', 'i8'],
      )
      .map(
        ([from, to]): Breaking => ({
          old: [...base, ['num', { k: 'prim', name: from }]],
          next: (e) => ({ ...shape(e), num: PRIMITIVES[to] }),
          path: p('num'),
          rule: 'number-narrowed',
        }),
      ),
    fc.constant<Breaking>({
      old: [...base, ['opt', { k: 'optional', item: { k: 'prim', name: 'u8' } }]],
      next: (e) => ({ ...shape(e), opt: u8 }),
      path: p('opt'),
      rule: 'optional-to-required',
    }),
    fc.constant<Breaking>({
      old: [...base, ['en', { k: 'enum', values: ['p', 'q'] }]],
      next: (e) => ({ ...shape(e), en: enumeration(['p'], { engine: e }) }),
      path: p('en'),
      rule: 'enum-member-unknown',
    }),
    fc.constant<Breaking>({
      old: [...base, ['num', { k: 'prim', name: 'u32' }]],
      next: (e) => ({ ...shape(e), num: string({ engine: e }) }),
      path: p('num'),
      rule: 'type-changed',
    }),
    fc.constant<Breaking>({
      old: [...base, ['txt', { k: 'string', length: 3, prefix: 'u32' }]],
      next: (e) => ({ ...shape(e), txt: string({ length: 4, engine: e }) }),
      path: p('txt'),
      rule: 'fixed-length',
    }),
    fc.constant<Breaking>({
      old: [
        ...base,
        [
          'un',
          {
            k: 'union',
            tagKey: 'kind',
            variants: [
              ['a', []],
              ['b', []],
            ],
          },
        ],
      ],
      next: (e) => ({ ...shape(e), un: union('kind', { a: struct({}, { engine: e }) }, { engine: e }) }),
      path: p('un'),
      rule: 'union-variant-unknown',
    }),
    fc.constant<Breaking>({
      old: [...base, ['list', { k: 'array', item: { k: 'prim', name: 'u32' } }]],
      next: (e) => ({ ...shape(e), list: array(u16, { engine: e }) }),
      path: p('list[]'),
      rule: 'number-narrowed',
    }),
    fc.constant<Breaking>({
      old: [...base, ['txt', { k: 'string', prefix: 'u16' }]],
      next: (e) => ({ ...shape(e), txt: string({ lengthPrefix: 'u8', engine: e }) }),
      path: p('txt'),
      rule: 'length-prefix',
    }),
  );
};

describe('breaking edits', () => {
  test('are reported once, with the path and the rule, and resolve refuses them', () => {
    const arb = structSchemaArb.chain((s) => {
      const base = (s as { fields: Fields }).fields;
      return fc.oneof(
        breakingArb(base, ''),
        breakingArb(base.slice(0, 2), 'nest.').map(
          (inner): Breaking => ({
            old: [...base, ['nest', { k: 'struct', fields: inner.old }]],
            next: (e) => ({ ...shapeOf(base, e), nest: struct(inner.next(e), { engine: e }) }),
            path: inner.path,
            rule: inner.rule,
          }),
        ),
      );
    });
    fc.assert(
      fc.property(arb, fc.constantFrom(...ENGINES), (edit, engine) => {
        const oldCodec = build({ k: 'struct', fields: edit.old }, engine);
        const newCodec = struct(edit.next(engine), { engine });
        const report = checkCompatibility(oldCodec.describe(), newCodec);
        expect(report.compatible).toBe(false);
        expect(report.issues.map((i) => [i.path, i.rule])).toEqual([[edit.path, edit.rule]]);
        expect(() => resolve(oldCodec.describe(), newCodec)).toThrow(
          expect.objectContaining({ code: 'incompatible-schema' }),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

describe('an unchanged schema', () => {
  test('resolves to a codec that encodes and decodes exactly like the native one', () => {
    const arb = structSchemaArb.chain((schema) =>
      fc.record({
        schema: fc.constant(schema),
        value: valueArb(schema),
        junk: fc.uint8Array({ maxLength: 48 }),
        engine: fc.constantFrom(...ENGINES),
      }),
    );
    const outcome = (run: () => unknown) => {
      try {
        return { ok: run() };
      } catch (e) {
        if (!isDecodeError(e)) throw e;
        return { code: e.code, path: e.path };
      }
    };
    fc.assert(
      fc.property(arb, ({ schema, value, junk, engine }) => {
        const native = withEngine(build(schema, engine), engine);
        const r = resolve(native.describe(), native);
        expect(checkCompatibility(native, native).compatible).toBe(true);
        const bytes = native.encode(value);
        expect(r.encode(value)).toEqual(bytes);
        expect(r.byteLength(value)).toBe(bytes.length);
        expect(r.fixedSize).toBe(native.fixedSize);
        expect(r.decode(bytes)).toEqual(native.decode(bytes));
        expect(outcome(() => r.decode(junk))).toEqual(outcome(() => native.decode(junk)));
      }),
      { numRuns: RUNS },
    );
  });
});
