import { runNative, defaultContext, buildHonestWitness } from '../../lib/native/index.ts';
import { LocalHypervisor } from '../../lib/hypervisor/ethereumjs.ts';
const code = '0x600160020160005260206000f3' as const;
let t = performance.now();
for (let i = 0; i < 200; i++) await runNative(defaultContext({ code }));
console.log('runNative ms', (performance.now() - t) / 200);
t = performance.now();
const hv = await LocalHypervisor.create();
console.log('create ms', performance.now() - t);
const { file } = await buildHonestWitness(defaultContext({ code }));
t = performance.now();
for (let i = 0; i < 200; i++) { const r = await hv.verify(file); if (i==0) console.log(r); }
console.log('verify ms', (performance.now() - t) / 200);
