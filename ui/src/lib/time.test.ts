import { describe, expect, it } from 'vitest';
import { relativeTime } from './time';

describe('relativeTime', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  it.each([
    ['2026-11-26T11:59:30Z', 'just now'],
    ['2026-11-26T11:55:00Z', '5 min ago'],
    ['2026-11-26T09:00:00Z', '3 h ago'],
    ['2026-11-24T12:00:00Z', '2 d ago'],
  ])('%s is %s', (iso, want) => {
    expect(relativeTime(iso, now)).toBe(want);
  });
  it('falls back to a date after a month', () => {
    expect(relativeTime('2026-01-02T00:00:00Z', now)).toMatch(/2026/);
  });
});
