import { describe, expect, test } from 'vitest';
import { clampSplit, DEFAULT_SETTINGS, parseSettings } from './settings';

describe('parseSettings', () => {
  test('keeps valid settings', () => {
    const s = { fontSize: 20, wordWrap: true, tabSize: 2, vim: true, lint: false };
    expect(parseSettings(s)).toEqual(s);
  });
  test('nothing, garbage or another type gives the defaults', () => {
    for (const v of [null, undefined, 'x', 42, [], [1, 2], true]) expect(parseSettings(v)).toEqual(DEFAULT_SETTINGS);
  });
  test('each invalid value falls back alone; unknown keys are dropped', () => {
    expect(parseSettings({ fontSize: 9, tabSize: 3, wordWrap: 'yes', vim: 1, lint: null, theme: 'x', fontSizeExtra: 1 })).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings({ fontSize: 33 }).fontSize).toBe(14);
    expect(parseSettings({ fontSize: 12.5 }).fontSize).toBe(14);
    expect(parseSettings({ fontSize: '20' }).fontSize).toBe(14);
    expect(parseSettings({ tabSize: 8, vim: true })).toEqual({ ...DEFAULT_SETTINGS, tabSize: 8, vim: true });
  });
});

describe('clampSplit', () => {
  test('bounds the split and rejects what is not a number', () => {
    expect(clampSplit(0.5)).toBe(0.5);
    expect(clampSplit(0)).toBe(0.2);
    expect(clampSplit(5)).toBe(0.8);
    expect(clampSplit(NaN)).toBe(0.4);
    expect(clampSplit('0.5')).toBe(0.4);
    expect(clampSplit(Infinity)).toBe(0.4);
  });
});
