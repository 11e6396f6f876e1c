// Checks a file against an npm-style Subresource Integrity string
// ("sha512-<base64>"). Usage: node check-integrity.mjs FILE INTEGRITY
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [file, integrity] = process.argv.slice(2);
const [algo, want] = integrity.split('-', 2);
const got = createHash(algo).update(readFileSync(file)).digest('base64');
if (got !== want) {
  console.error(`${file}: ${algo} is ${got}, want ${want}`);
  process.exit(1);
}
