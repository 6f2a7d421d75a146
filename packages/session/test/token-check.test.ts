import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createTokenCheck, tokenMatches } from '../src/index.js';

describe('token check', () => {
  test('accepts exactly the configured tokens, any of several', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        (tokens, presented) => {
          const expected = presented !== undefined && tokens.includes(presented);
          expect(createTokenCheck(tokens)(presented)).toBe(expected);
          expect(tokenMatches(tokens, presented)).toBe(expected);
          for (const token of tokens) expect(createTokenCheck(tokens)(token)).toBe(true);
        },
      ),
    );
  });

  test('near misses, other lengths and missing tokens are refused', () => {
    const check = createTokenCheck(['secret', 'next-secret']);
    for (const wrong of ['', 'Secret', 'secret ', 'secre', 'secretx', 'sécret', undefined, null])
      expect(check(wrong)).toBe(false);
    // An empty expected token matches only an empty presented one, never a missing one.
    expect(tokenMatches('', '')).toBe(true);
    expect(tokenMatches('', undefined)).toBe(false);
  });

  test('an empty configuration is refused when the check is built', () => {
    expect(() => createTokenCheck('')).toThrow(TypeError);
    expect(() => createTokenCheck([])).toThrow(/non-empty/);
  });
});
