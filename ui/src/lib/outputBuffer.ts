// OutputBuffer holds a run's output as lines, appended to in place: a
// chunk costs the size of the chunk, however much output came before it,
// and the view renders only the lines it shows.

import type { ChunkKind } from './output';

export interface Segment {
  kind: ChunkKind;
  text: string;
  // ANSI SGR state of the text: a colour class (ansi-31 …), bold.
  fg?: number;
  bold?: boolean;
}

export type Line = Segment[];

export class OutputBuffer {
  readonly lines: Line[] = [[]];
  private bytes = 0;
  private fg: number | undefined;
  private bold = false;
  private pendingEsc = ''; // an escape sequence cut between chunks

  get lineCount(): number {
    const last = this.lines[this.lines.length - 1];
    return last.length === 0 ? this.lines.length - 1 : this.lines.length;
  }

  get size(): number {
    return this.bytes;
  }

  // append adds text of one kind; ANSI colour codes (SGR) become segment
  // styles, other escape sequences are dropped.
  append(kind: ChunkKind, text: string): void {
    if (text === '') return;
    this.bytes += text.length;
    text = this.pendingEsc + text;
    this.pendingEsc = '';
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        this.put(kind, text.slice(start, i));
        this.lines.push([]);
        start = i + 1;
      } else if (c === 27) {
        this.put(kind, text.slice(start, i));
        const m = /^\x1b\[([0-9;]*)([A-Za-z])/.exec(text.slice(i, i + 32));
        if (!m) {
          if (text.length - i < 32 && text[i + 1] === '[' && !/[A-Za-z]/.test(text.slice(i + 2))) {
            this.pendingEsc = text.slice(i); // finish it with the next chunk
            return;
          }
          start = i + 1;
          continue;
        }
        if (m[2] === 'm') this.sgr(m[1]);
        i += m[0].length - 1;
        start = i + 1;
      } else if (c === 13 && text.charCodeAt(i + 1) === 10) {
        this.put(kind, text.slice(start, i)); // \r\n: the \n ends the line
        start = i + 1;
      }
    }
    this.put(kind, text.slice(start));
  }

  private put(kind: ChunkKind, text: string): void {
    if (text === '') return;
    const line = this.lines[this.lines.length - 1];
    const last = line[line.length - 1];
    if (last && last.kind === kind && last.fg === this.fg && !!last.bold === this.bold) {
      last.text += text;
      return;
    }
    const seg: Segment = { kind, text };
    if (this.fg !== undefined) seg.fg = this.fg;
    if (this.bold) seg.bold = true;
    line.push(seg);
  }

  private sgr(params: string): void {
    for (const p of (params === '' ? '0' : params).split(';').map(Number)) {
      if (p === 0) {
        this.fg = undefined;
        this.bold = false;
      } else if (p === 1) this.bold = true;
      else if (p === 22) this.bold = false;
      else if ((p >= 30 && p <= 37) || (p >= 90 && p <= 97)) this.fg = p;
      else if (p === 39) this.fg = undefined;
    }
  }

  // text is the whole output as plain text (for Copy).
  text(): string {
    return this.lines.map((l) => l.map((s) => s.text).join('')).join('\n');
  }

  // hasProgramOutput says whether any stdout or stderr arrived.
  hasProgramOutput(): boolean {
    return this.lines.some((l) => l.some((s) => s.kind !== 'input'));
  }
}
