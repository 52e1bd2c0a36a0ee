/**
 * Runs forge (the npm package's platform binary, lib/forge forgeExecutable) with the given arguments and exits with
 * forge's own exit code. The package's command, node_modules/.bin/forge (@foundry-rs/forge 1.7.1), spawns the same
 * binary but exits 0 whatever forge returns, so `npm test` could not fail on a failing Forge test; `npm run
 * test:forge` runs forge through this script instead.
 *   tsx scripts/forge.ts test [forge options]
 */
import { spawn } from 'node:child_process';
import { forgeExecutable, REPO_ROOT } from '../lib/forge/index.ts';

const binary = forgeExecutable();
const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit', cwd: REPO_ROOT });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('error', (e) => {
  console.error(`scripts/forge.ts: cannot run ${binary}: ${e.message} (run npm install: it installs forge from @foundry-rs/forge)`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal !== null) {
    console.error(`scripts/forge.ts: forge was killed by ${signal}`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
