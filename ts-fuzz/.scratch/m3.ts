import { runNative, defaultContext } from '../../lib/native/index.ts';
for (const code of ['0x', '0x600160020160005260206000f3', '0x' + '6001600201'.repeat(200), '0x5b600056'] as const) {
  const t = performance.now();
  for (let i = 0; i < 100; i++) await runNative(defaultContext({ code: code as `0x${string}`, gasAvailable: 100000n }));
  console.log(code.length, 'runNative ms', (performance.now() - t) / 100);
}
