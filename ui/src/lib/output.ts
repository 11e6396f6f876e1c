// The output panel's model: chunks of stdout and stderr in arrival order,
// with what the user typed at input() prompts shown inline.

export type ChunkKind = 'stdout' | 'stderr' | 'input';

// formatDuration renders a run's wall time for people.
export function formatDuration(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

// summary is the one-line status shown above the output.
export function summary(r: {
  success: boolean;
  error_type: string | null;
  error: string | null;
  exit_code: number;
  timed_out: boolean;
}): string {
  if (r.success) return 'Finished';
  if (r.timed_out) return 'Timed out';
  if (r.error_type === 'Cancelled') return 'Stopped';
  if (r.error_type) return r.error ? `${r.error_type}: ${r.error}` : r.error_type;
  return `Exited with code ${r.exit_code}`;
}

// formatBytes renders a size for people (KiB, MiB).
export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(n >= 10 << 20 ? 0 : 1)} MiB`;
  if (n >= 1 << 10) return `${Math.round(n / (1 << 10))} KiB`;
  return `${n} bytes`;
}
