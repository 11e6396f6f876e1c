import { api } from './api';

export interface SharedProgram {
  id: string;
  url: string;
  code: string;
  stdin: string;
  created_at: string;
}

// shareProgram makes an immutable permalink for code (and its stdin).
export function shareProgram(code: string, stdin: string): Promise<SharedProgram> {
  return api<SharedProgram>('POST', '/share', { code, stdin });
}

export function getSharedProgram(id: string): Promise<SharedProgram> {
  return api<SharedProgram>('GET', `/share/${encodeURIComponent(id)}`);
}

// sharedIdInPath is the id of a /s/{id} link the page was opened at.
export function sharedIdInPath(path: string): string | null {
  const m = /^\/s\/([0-9A-Za-z]{12})$/.exec(path);
  return m ? m[1] : null;
}

// publicIdInPath is the id of a /p/{id} link (a public snippet).
export function publicIdInPath(path: string): string | null {
  const m = /^\/p\/([0-9a-fA-F-]{36})$/.exec(path);
  return m ? m[1] : null;
}

export interface PublicSnippet {
  id: string;
  url: string;
  title: string | null;
  description: string | null;
  code: string;
}

export function getPublicSnippet(id: string): Promise<PublicSnippet> {
  return api<PublicSnippet>('GET', `/public/snippets/${encodeURIComponent(id)}`);
}

// downloadPython saves code as a .py file.
export function downloadPython(code: string, name = 'program.py'): void {
  const url = URL.createObjectURL(new Blob([code], { type: 'text/x-python' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// MAX_OPEN_BYTES bounds a local file opened in the editor (the server runs
// programs up to 64 KiB by default; a little more is still editable).
export const MAX_OPEN_BYTES = 1 << 20;

// readPythonFile reads a local file as text, refusing what is not text or
// too big to edit.
export async function readPythonFile(file: File): Promise<string> {
  if (file.size > MAX_OPEN_BYTES) throw new Error(`${file.name} is larger than 1 MiB`);
  const text = await file.text();
  if (text.includes('\u0000')) throw new Error(`${file.name} is not a text file`);
  return text;
}
