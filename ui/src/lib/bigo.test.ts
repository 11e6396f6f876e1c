import { describe, expect, it } from 'vitest';
import { prettyBigO } from './bigo';

describe('prettyBigO', () => {
  it.each([
    ['O(n^2)', 'O(n²)'],
    ['O(2^n)', 'O(2ⁿ)'],
    ['O(n log n)', 'O(n log n)'],
    [null, '?'],
  ])('%s → %s', (inp, want) => {
    expect(prettyBigO(inp)).toBe(want);
  });
});
