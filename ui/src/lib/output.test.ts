import { describe, expect, it } from 'vitest';
import { formatDuration, summary } from './output';

describe('formatDuration', () => {
  it.each([
    [0.4, '<1 ms'],
    [12.3, '12 ms'],
    [1234, '1.23 s'],
    [30000, '30.0 s'],
  ])('%f ms is %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });
});

describe('summary', () => {
  const base = { success: false, error_type: null, error: null, exit_code: 0, timed_out: false };
  it('names the outcome', () => {
    expect(summary({ ...base, success: true })).toBe('Finished');
    expect(summary({ ...base, timed_out: true, error_type: 'TimeoutError' })).toBe('Timed out');
    expect(summary({ ...base, error_type: 'Cancelled' })).toBe('Stopped');
    expect(summary({ ...base, error_type: 'ZeroDivisionError', error: 'division by zero' })).toBe(
      'ZeroDivisionError: division by zero',
    );
    expect(summary({ ...base, exit_code: 3 })).toBe('Exited with code 3');
  });
});
