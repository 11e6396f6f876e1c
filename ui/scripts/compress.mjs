// Precompresses the built assets (gzip and brotli, at their best levels) so
// the server sends them with Content-Encoding and no work per request.
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const LARGE = 1 << 20;
const COMPRESSIBLE = /\.(js|css|html|svg|json|ttf|map|txt|wasm)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      walk(p);
      continue;
    }
    if (!COMPRESSIBLE.test(name)) continue;
    const data = readFileSync(p);
    if (data.length < 1024) continue;
    const gz = gzipSync(data, { level: 9 });
    const br = brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    if (gz.length < data.length * 0.9) writeFileSync(p + '.gz', gz);
    if (br.length < data.length * 0.9) writeFileSync(p + '.br', br);
    // Large files are kept compressed only (the binary embeds what is here):
    // the server decompresses the gzip copy for the rare client that
    // accepts neither encoding (server/static.go).
    if (data.length >= LARGE && gz.length < data.length * 0.9) unlinkSync(p);
  }
}

walk(process.argv[2] ?? 'dist');
