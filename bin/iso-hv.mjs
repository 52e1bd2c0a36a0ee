#!/usr/bin/env node
// iso-hv: the project's CLI (sources in ../cli, TypeScript, run through tsx). See `iso-hv --help`.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { register } = await import('tsx/esm/api');
register();
const { main } = await import(pathToFileURL(path.join(here, '..', 'cli', 'iso-hv.ts')).href);
process.exitCode = await main(process.argv.slice(2));
