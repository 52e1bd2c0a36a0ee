#!/usr/bin/env node
// huffc-ts: the project's Huff compiler CLI (sources in ../huffc/src, TypeScript).
//
// Startup matters (forge calls this through ffi for every deployment), so the TypeScript sources
// are bundled once with esbuild into a cache file under the OS temp dir, keyed by the sources'
// names, sizes and mtimes; later runs import that plain-JS bundle directly (~50 ms).
// If esbuild is unavailable the CLI runs through tsx instead (slower, same behaviour).
// HUFFC_TS_NO_CACHE=1 forces the tsx path.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(here, '..', 'huffc', 'src');
const entry = path.join(srcDir, 'cli.ts');
const argv = process.argv.slice(2);

async function viaTsx() {
  const { register } = await import('tsx/esm/api');
  register();
  const cli = await import(pathToFileURL(entry).href);
  cli.main(argv);
}

async function viaBundle() {
  const h = createHash('sha1');
  h.update(srcDir);
  for (const f of fs.readdirSync(srcDir).sort()) {
    if (!f.endsWith('.ts')) continue;
    const st = fs.statSync(path.join(srcDir, f));
    h.update(`${f}:${st.size}:${st.mtimeMs};`);
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'u';
  const dir = path.join(os.tmpdir(), `huffc-ts-cache-${uid}`);
  const bundle = path.join(dir, `cli-${h.digest('hex').slice(0, 16)}.mjs`);
  if (!fs.existsSync(bundle)) {
    const esbuild = await import('esbuild');
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${bundle}.${process.pid}.tmp`;
    esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: tmp,
      logLevel: 'silent',
    });
    fs.renameSync(tmp, bundle); // atomic: concurrent runs never see a partial file
  }
  const cli = await import(pathToFileURL(bundle).href);
  cli.main(argv);
}

if (process.env.HUFFC_TS_NO_CACHE === '1') {
  await viaTsx();
} else {
  let bundled = false;
  try {
    await viaBundle();
    bundled = true;
  } catch {
    bundled = false;
  }
  if (!bundled) await viaTsx();
}
