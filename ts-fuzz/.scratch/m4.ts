import { defaultContext, buildHonestWitness } from '../../lib/native/index.ts';
import { LocalHypervisor } from '../../lib/hypervisor/ethereumjs.ts';
import { verifyBatch } from '../../lib/forge/index.ts';
const { file } = await buildHonestWitness(defaultContext({ code: '0x6001600a0a' }));
const hv = await LocalHypervisor.create({ constants: { G_EXP_BYTE: '0x31' } });
console.log((await hv.verify(file)).verdict);
const r = await verifyBatch([file], { revmNative: true, constants: { G_EXP_BYTE: '0x31' } });
console.log(r[0]);
