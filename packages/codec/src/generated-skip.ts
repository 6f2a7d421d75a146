/**
 * Skipping a writer-only field inside generated code: the same plan as the skipper closures of
 * `evolution/skip.ts` (same checks, same budget charges, same errors with the same paths and
 * numbers), written out inline so that a resolved decoder makes no calls for the common shapes
 * (fixed-size runs, length-prefixed strings and bytes, count-prefixed arrays of fixed-size items,
 * optionals of those, structs of those). Other shapes keep calling their skipper.
 */

import { readExpr } from './byte-reads.js';
import { byteBudgetError, elementBudgetError, lengthError, truncatedError } from './decode-limits.js';
import { DecodeError } from './errors.js';
import { fixedElements, structSkipSteps } from './evolution/skip.js';
import { type Gen, prefixRead } from './generated-source.js';
import { fixedSizeOf, minSizeOf, type SchemaNode } from './schema-node.js';

/** True when every part of `node` has an inline form (else its skipper closure is called). */
export function skipsInline(node: SchemaNode): boolean {
  const fixed = fixedSizeOf(node);
  if (fixed !== undefined) return fixedElements(node) === 0;
  switch (node.kind) {
    case 'string':
    case 'bytes':
      return true;
    case 'array':
      return node.length === undefined && fixedSizeOf(node.item) !== undefined;
    case 'optional':
      return skipsInline(node.item);
    case 'struct':
      return node.fields.every((f) => skipsInline(f.node));
    default:
      return false;
  }
}

/** Emits code that moves `p` (plus `g.k`) past one value of `node`; only for {@link skipsInline}. */
export function genSkip(g: Gen, node: SchemaNode, path: string): void {
  const fixed = fixedSizeOf(node);
  if (fixed !== undefined) {
    emitRoom(g, fixed, path);
    g.k += fixed;
    return;
  }
  switch (node.kind) {
    case 'string':
    case 'bytes': {
      const width = node.prefix;
      g.flush();
      const n = g.id('n');
      const len = () =>
        g.c((c: number, left: number, at: number) => lengthError('length', c, left, path, at));
      const bb = () => g.c((c: number, at: number) => byteBudgetError(c, path, at));
      emitRoom(g, width, path);
      g.emit(`const ${n} = ${prefixRead(width, 'p')};`);
      g.emit(`if (${n} > end - p - ${width}) ${g.fail(len, `${n}, end - p - ${width}, p`)}`);
      g.emit(`if ((B.bytes -= ${n}) < 0) ${g.fail(bb, `${n}, p`)}`);
      g.emit(`p += ${width} + ${n};`);
      return;
    }
    case 'array': {
      const itemFixed = fixedSizeOf(node.item) as number;
      const min = minSizeOf(node.item);
      const itemElements = fixedElements(node.item);
      g.flush();
      const n = g.id('n');
      const len = () => g.c((c: number, left: number, at: number) => lengthError('count', c, left, path, at));
      const eb = () => g.c((c: number, at: number) => elementBudgetError(c, path, at));
      emitRoom(g, 4, path);
      g.emit(`const ${n} = ${readExpr('u32', 's', 'p')};`);
      if (min > 0) g.emit(`if (${n} * ${min} > end - p - 4) ${g.fail(len, `${n}, end - p - 4, p`)}`);
      // Items with no elements of their own (the usual case) charge the count alone.
      const charge = itemElements === 0 ? n : `(${n} + ${n} * ${itemElements})`;
      const over = itemElements === 0 ? n : `B.elements + ${charge} < ${n} ? ${n} : ${n} * ${itemElements}`;
      g.emit(`if ((B.elements -= ${charge}) < 0) ${g.fail(eb, `${over}, p`)}`);
      g.emit(`p += 4 + ${n} * ${itemFixed};`);
      return;
    }
    case 'optional': {
      g.flush();
      const flag = g.id('fl');
      const bad = () =>
        g.c(
          (x: number, at: number) =>
            new DecodeError('invalid-value', `optional flag is ${x}, not 0 or 1`, path, at),
        );
      emitRoom(g, 1, path);
      g.emit(`const ${flag} = s[p];`);
      g.emit(`if (${flag} === 0) p += 1;`);
      g.emit(`else if (${flag} !== 1) ${g.fail(bad, `${flag}, p`)}`);
      g.emit('else {');
      g.emit('p += 1;');
      genSkip(g, node.item, path);
      g.flush();
      g.emit('}');
      return;
    }
    case 'struct': {
      for (const step of structSkipSteps(node, path)) {
        if ('node' in step) genSkip(g, step.node, step.path);
        else {
          emitRoom(g, step.run, step.path);
          g.k += step.run;
        }
      }
      return;
    }
    default:
      throw new TypeError(`cannot skip a ${node.kind} node inline`);
  }
}

function emitRoom(g: Gen, size: number, path: string): void {
  const trunc = () => g.c((need: number, left: number, at: number) => truncatedError(need, left, path, at));
  g.emit(`if (${g.pos(size)} > end) ${g.fail(trunc, `${size}, end - ${g.pos()}, ${g.pos()}`)}`);
}
