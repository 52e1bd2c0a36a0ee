/**
 * A campaign worker process (started by pool.ts, never by hand): runs the batches the coordinator
 * gives it (batch.ts) and reports over the IPC channel (protocol.ts).
 *
 * The worker leads its own process group (it is started detached), so the forge processes it
 * starts can be killed with it. If the coordinator goes away (the IPC channel closes), the worker
 * kills its group, itself included: no forge process outlives a campaign.
 */
import { BatchRunner, runBatches } from './batch.ts';
import type { BatchTask, FromWorker, ToWorker } from './protocol.ts';

function send(m: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(m, undefined, {}, () => resolve());
  });
}

function killGroup(): never {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    /* not a group leader (started by hand): just exit */
  }
  process.exit(1);
}

async function main(): Promise<void> {
  if (!process.send) {
    process.stderr.write('ts-fuzz/worker.ts is started by the campaign (npm run fuzz), not by hand\n');
    process.exit(2);
  }
  process.on('disconnect', killGroup);

  const queue: BatchTask[] = [];
  let finished = false;
  let waiting: (() => void) | undefined;
  let runner: BatchRunner | undefined;
  let initialised: (m: Extract<ToWorker, { type: 'init' }>) => void = () => {};
  const init = new Promise<Extract<ToWorker, { type: 'init' }>>((resolve) => (initialised = resolve));

  process.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'init':
        initialised(m);
        break;
      case 'task':
        queue.push(m.task);
        break;
      case 'known':
        if (runner) {
          runner.known.clear();
          for (const s of m.signatures) runner.known.add(s);
        }
        break;
      case 'finish':
        finished = true;
        break;
    }
    waiting?.();
  });

  const { settings, known } = await init;
  try {
    runner = await BatchRunner.create(settings);
  } catch (e) {
    await send({ type: 'fatal', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    process.exit(1);
  }
  for (const s of known) runner.known.add(s);
  await send({ type: 'ready', pid: process.pid });

  const next = async (): Promise<BatchTask | undefined> => {
    for (;;) {
      const t = queue.shift();
      if (t) return t;
      if (finished) return undefined;
      await new Promise<void>((resolve) => (waiting = resolve));
      waiting = undefined;
    }
  };
  await runBatches(
    runner,
    next,
    {
      finding: (m) => void send(m),
      shrunk: (m) => void send(m),
      log: (line) => void send({ type: 'log', line }),
    },
    (report) => send({ type: 'done', report }),
  );
  process.off('disconnect', killGroup);
  process.exit(0);
}

main().catch(async (e: unknown) => {
  await send({ type: 'fatal', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(1);
});
