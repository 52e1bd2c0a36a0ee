/**
 * Where the hypervisor runs: `revm` (default) verifies a whole batch in ONE forge process
 * (lib/forge verifyBatch, which also runs every guest natively in revm for the differential
 * oracle); `ethereumjs` runs the hypervisor in process (lib/hypervisor LocalHypervisor), faster
 * to start and to shrink with, but without the second reference EVM.
 */
import { verifyBatch, type BatchCase, type BatchResult } from '../lib/forge/index.ts';
import { LocalHypervisor } from '../lib/hypervisor/ethereumjs.ts';
import { encodeWitness, type Hex } from '../lib/witness/index.ts';

export type EngineName = 'revm' | 'ethereumjs';

/** A case for an engine; `noNative`: no second native run wanted (its message was already run). */
export type EngineCase = BatchCase & { noNative?: boolean };

export interface Engine {
  readonly name: EngineName;
  /** Verifies the cases; results in input order. */
  verify(cases: readonly EngineCase[]): Promise<BatchResult[]>;
}

export interface EngineOptions {
  constants?: Record<string, string>;
  /** Gas for each hypervisor call (default 1,000,000,000). */
  hypervisorGas?: bigint;
  signal?: AbortSignal;
}

export class RevmEngine implements Engine {
  readonly name = 'revm' as const;
  constructor(private readonly opts: EngineOptions = {}) {}
  async verify(cases: readonly EngineCase[]): Promise<BatchResult[]> {
    return this.verifyRevm(cases);
  }

  private async verifyRevm(cases: readonly EngineCase[]): Promise<BatchResult[]> {
    if (cases.length === 0) return [];
    // The native run of script/VerifyBatch.s.sol uses the case's `witness` fields, the hypervisor
    // `rawWitness` when given. A case that wants no native run keeps its real witness as raw calldata
    // and names another executing account, which the script does not run natively (a DELEGATECALL
    // frame): cheaper. The same is done for gas prices >= 2^64, for which the script's
    // vm.txGasPrice would abort the whole batch.
    const noNative = new Set<number>();
    const sent = cases.map((c, i): BatchCase => {
      const { noNative: skip, ...bc } = c;
      if (!skip && c.witness.gasPrice < 1n << 64n) return bc;
      noNative.add(i);
      const other = `0x${(BigInt(c.witness.to) ^ 1n).toString(16).padStart(40, '0')}` as Hex;
      return { ...bc, rawWitness: c.rawWitness ?? encodeWitness(c.witness), witness: { ...c.witness, gasPrice: 0n, context: other } };
    });
    const results = await verifyBatch(sent, {
      revmNative: true,
      ...(this.opts.constants ? { constants: this.opts.constants } : {}),
      ...(this.opts.hypervisorGas ? { hypervisorGasLimit: this.opts.hypervisorGas } : {}),
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
    });
    return results.map((r, i) => {
      if (!noNative.has(i)) return r;
      const { revmNative: _dropped, ...rest } = r;
      return rest;
    });
  }
}

export class EthereumjsEngine implements Engine {
  readonly name = 'ethereumjs' as const;
  private constructor(private readonly hv: LocalHypervisor, private readonly gas: bigint | undefined) {}
  static async create(opts: EngineOptions = {}): Promise<EthereumjsEngine> {
    return new EthereumjsEngine(await LocalHypervisor.create(opts.constants ? { constants: opts.constants } : {}), opts.hypervisorGas);
  }
  async verify(cases: readonly EngineCase[]): Promise<BatchResult[]> {
    const out: BatchResult[] = [];
    for (const c of cases) {
      await this.hv.archive(c.code);
      for (const code of c.accountCode ?? []) await this.hv.archive(code);
      out.push(await this.hv.verifyCalldata(c.rawWitness ?? encodeWitness(c.witness), this.gas));
      // let the event loop run (a campaign worker must hear its coordinator during long batches)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out;
  }
}

export async function createEngine(name: EngineName, opts: EngineOptions = {}): Promise<Engine> {
  return name === 'revm' ? new RevmEngine(opts) : EthereumjsEngine.create(opts);
}
