// Shapes of the HTTP and WebSocket API (see API.md).

export interface Violation {
  line: number;
  column: number;
  message: string;
}

export interface ExecutionResult {
  success: boolean;
  stdout: string;
  stderr: string;
  error: string | null;
  error_type: string | null;
  error_line: number | null;
  traceback: string | null;
  execution_time_ms: number;
  cpu_time_ms?: number;
  peak_memory_bytes?: number;
  python_version?: string;
  timed_out: boolean;
  truncated: boolean;
  security_violations: Violation[];
  exit_code: number;
  job_id: string;
}

export interface ApiError {
  detail: string;
  code: string;
}

export type ServerMessage =
  | { type: 'pong'; connection_id: string }
  | { type: 'execution_started'; job_id: string }
  | { type: 'execution_output'; job_id: string; stream: 'stdout' | 'stderr'; data: string }
  | { type: 'execution_waiting_input'; job_id: string }
  | ({ type: 'execution_result' } & ExecutionResult)
  | { type: 'error'; job_id?: string; detail: string; code: string }
  | { type: 'auth_ok'; user: { id: string; email: string; username: string } }
  | { type: 'analysis_stream_start'; job_id: string }
  | { type: 'analysis_stream_chunk'; job_id: string; chunk: string }
  | { type: 'analysis_stream_complete'; job_id: string; result: unknown }
  | { type: 'analysis_stream_error'; job_id: string; error: string };
