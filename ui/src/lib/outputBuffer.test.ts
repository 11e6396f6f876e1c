import { describe, expect, it } from 'vitest';
import { OutputBuffer } from './outputBuffer';

describe('OutputBuffer', () => {
  it('splits lines and merges segments of one kind', () => {
    const b = new OutputBuffer();
    b.append('stdout', 'a');
    b.append('stdout', 'b\nc');
    b.append('stderr', 'E\n');
    expect(b.lineCount).toBe(2);
    expect(b.lines[0]).toEqual([{ kind: 'stdout', text: 'ab' }]);
    expect(b.lines[1]).toEqual([
      { kind: 'stdout', text: 'c' },
      { kind: 'stderr', text: 'E' },
    ]);
    expect(b.text()).toBe('ab\ncE\n');
  });

  it('turns ANSI colours into styles, also when a code is split between chunks', () => {
    const b = new OutputBuffer();
    b.append('stdout', 'plain \x1b[1;3');
    b.append('stdout', '1mred bold\x1b[0m back');
    expect(b.lines[0]).toEqual([
      { kind: 'stdout', text: 'plain ' },
      { kind: 'stdout', text: 'red bold', fg: 31, bold: true },
      { kind: 'stdout', text: ' back' },
    ]);
    expect(b.text()).toBe('plain red bold back');
  });

  it('drops other escape sequences and CRLF carriage returns', () => {
    const b = new OutputBuffer();
    b.append('stdout', 'x\x1b[2Ky\r\nz');
    expect(b.text()).toBe('xy\nz');
  });

  it('appends 100,000 lines in linear time', () => {
    const b = new OutputBuffer();
    const chunk = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join('');
    for (let i = 0; i < 100; i++) b.append('stdout', chunk);
    expect(b.lineCount).toBe(100000);
    expect(b.lines[99999][0].text).toBe('line 999');
  });
});
