import { defaultContext, buildHonestWitness } from '../../lib/native/index.ts';
import { verifyBatch } from '../../lib/forge/index.ts';
const code = '0x600160020160005260206000f3' as const;
const { file } = await buildHonestWitness(defaultContext({ code }));
for (const n of [1, 500, 2000]) {
  const cases = Array.from({ length: n }, () => file);
  const t = performance.now();
  const r = await verifyBatch(cases, { revmNative: true });
  console.log(n, 'ms', performance.now() - t, JSON.stringify(r[0], (k, v) => typeof v === 'bigint' ? v.toString() : v));
}
