/**
 * A small chain of mined transactions for the tests of lib/chain/trace.ts and `iso-hv witness|verify --tx`: an anvil
 * (Prague) with contracts deployed and transactions sent from ANVIL_DEFAULT_KEY with viem.
 *
 * - Outer → Middle → Inner (bench/Transactions.sol): `run(42)` makes Inner revert at depth 2 (Middle catches it, logs,
 *   then STATICCALLs Inner), and Outer and Middle write storage;
 * - Slot0Writer (raw code `PUSH1 0 CALLDATALOAD PUSH1 0 SSTORE STOP`): writes its calldata word to slot 0; set to 1
 *   then cleared (EIP-3529's 4,800 refund);
 * - Prober (raw code): calls SHA-256 (0x02, a precompile: no frame) and then CALLs 0x…beef with 1 wei it does not have
 *   (never entered: no frame); sent with an access list that warms Prober's slot 5;
 * - a plain transfer of 5 wei with calldata 0x00ff to an account without code (EIP-7623's floor decides its gas).
 */
import { createPublicClient, createWalletClient, defineChain, encodeFunctionData, http, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { compileSolidityContracts } from '../../scripts/bench/solc.ts';
import { ANVIL_DEFAULT_KEY, startAnvil, type Anvil } from './anvil.ts';

/** Init code that deploys `runtime` as is. */
export function deployCode(runtime: Hex): Hex {
  const n = (runtime.length - 2) / 2;
  return `0x61${n.toString(16).padStart(4, '0')}80600c6000396000f3${runtime.slice(2)}`;
}

export const SLOT0_WRITER: Hex = '0x60003560005500';
/** CALL(10000, 0x02, 0, 0, 0, 0, 0) POP; CALL(10000, 0x…beef, 1, 0, 0, 0, 0) POP; STOP. */
export const PROBER: Hex = `0x600060006000600060006002612710f15060006000600060006001${'73'}${'00'.repeat(18)}beef612710f15000`;
export const NO_CODE: Hex = '0x000000000000000000000000000000000000dead';
/**
 * Destroyer (raw code `CALLVALUE PUSH1 8 JUMPI PUSH2 0xbeef SELFDESTRUCT JUMPDEST STOP`): keeps the value it is sent;
 * called without value it self-destructs, its balance to 0x…beef (an account that does not exist: 25,000 more).
 */
export const DESTROYER: Hex = '0x3460085761beefff5b00';

export interface TraceScenario {
  anvil: Anvil;
  addresses: { inner: Hex; middle: Hex; outer: Hex; writer: Hex; prober: Hex; destroyer: Hex };
  tx: {
    /** Outer.run(42): 4 frames, Inner reverts at depth 2. */
    nested: Hex;
    /** Slot0Writer: slot 0 from 1 to 0 (refund 4,800). */
    clear: Hex;
    /** Prober, with an access list. */
    probe: Hex;
    /** 5 wei and calldata 0x00ff to an account without code. */
    transfer: Hex;
    /** The creation of Outer (a contract-creation transaction). */
    create: Hex;
    /** Destroyer, funded with 7 wei before, called without value: SELFDESTRUCT. */
    destruct: Hex;
  };
  stop(): Promise<void>;
}

/** Starts anvil and mines the scenario's transactions (see the file's comment). */
export async function startTraceScenario(): Promise<TraceScenario> {
  const c = compileSolidityContracts('bench/Transactions.sol', ['Inner', 'Middle', 'Outer']);
  const anvil = await startAnvil();
  try {
    const chain = defineChain({ id: 31337, name: 'anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [anvil.url] } } });
    const account = privateKeyToAccount(ANVIL_DEFAULT_KEY);
    const wallet = createWalletClient({ account, chain, transport: http(anvil.url) });
    const client = createPublicClient({ chain, transport: http(anvil.url) });
    const mined = async (hash: Hex): Promise<{ hash: Hex; created?: Hex }> => {
      const r = await client.waitForTransactionReceipt({ hash });
      return { hash, ...(r.contractAddress ? { created: r.contractAddress.toLowerCase() as Hex } : {}) };
    };
    const created = async (data: Hex): Promise<{ hash: Hex; address: Hex }> => {
      const r = await mined(await wallet.sendTransaction({ data }));
      if (r.created === undefined) throw new Error('scenario: no contract created');
      return { hash: r.hash, address: r.created };
    };
    const inner = (await created(c.Inner.bytecode)).address;
    const middle = (await created(`${c.Middle.bytecode}${inner.slice(2).padStart(64, '0')}`)).address;
    const outerTx = await created(`${c.Outer.bytecode}${middle.slice(2).padStart(64, '0')}`);
    const outer = outerTx.address;
    const writer = (await created(deployCode(SLOT0_WRITER))).address;
    const prober = (await created(deployCode(PROBER))).address;
    const word = (n: bigint): Hex => `0x${n.toString(16).padStart(64, '0')}`;
    const nested = (await mined(await wallet.sendTransaction({ to: outer, data: encodeFunctionData({ abi: c.Outer.abi, functionName: 'run', args: [42n] }) }))).hash;
    await mined(await wallet.sendTransaction({ to: writer, data: word(1n) }));
    const clear = (await mined(await wallet.sendTransaction({ to: writer, data: word(0n) }))).hash;
    const probe = (await mined(await wallet.sendTransaction({ to: prober, data: '0x', accessList: [{ address: prober, storageKeys: [word(5n)] }] }))).hash;
    const transfer = (await mined(await wallet.sendTransaction({ to: NO_CODE, value: 5n, data: '0x00ff' }))).hash;
    const destroyer = (await created(deployCode(DESTROYER))).address;
    await mined(await wallet.sendTransaction({ to: destroyer, value: 7n }));
    const destruct = (await mined(await wallet.sendTransaction({ to: destroyer }))).hash;
    return {
      anvil,
      addresses: { inner, middle, outer, writer, prober, destroyer },
      tx: { nested, clear, probe, transfer, create: outerTx.hash, destruct },
      stop: () => anvil.stop(),
    };
  } catch (e) {
    await anvil.stop();
    throw e;
  }
}
