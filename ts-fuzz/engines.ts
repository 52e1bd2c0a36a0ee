/**
 * Where the hypervisor runs: `revm` (default) verifies a whole batch in ONE forge process
 * (lib/forge verifyBatch, which also runs every guest natively in revm for the differential
 * oracle); `ethereumjs` runs the hypervisor in process (lib/hypervisor LocalHypervisor), faster
 * to start and to shrink with, but without the second reference EVM.
 */
import { verifyBatch, type BatchCase, type BatchResult } from '../lib/forge/index.ts';
import { LocalHypervisor } from '../lib/hypervisor/ethereumjs.ts';
import { encodeWitness } from '../lib/witness/index.ts';

export type EngineName = 'revm' | 'ethereumjs';

export interface Engine {
  readonly name: EngineName;
  /** Verifies the cases; results in input order. */
  verify(cases: readonly BatchCase[]): Promise<BatchResult[]>;
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
  verify(cases: readonly BatchCase[]): Promise<BatchResult[]> {
    return verifyBatch(cases, {
      revmNative: true,
      ...(this.opts.constants ? { constants: this.opts.constants } : {}),
      ...(this.opts.hypervisorGas ? { hypervisorGasLimit: this.opts.hypervisorGas } : {}),
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
    });
  }
}

export class EthereumjsEngine implements Engine {
  readonly name = 'ethereumjs' as const;
  private constructor(private readonly hv: LocalHypervisor, private readonly gas: bigint | undefined) {}
  static async create(opts: EngineOptions = {}): Promise<EthereumjsEngine> {
    return new EthereumjsEngine(await LocalHypervisor.create(opts.constants ? { constants: opts.constants } : {}), opts.hypervisorGas);
  }
  async verify(cases: readonly BatchCase[]): Promise<BatchResult[]> {
    const out: BatchResult[] = [];
    for (const c of cases) {
      await this.hv.archive(c.witness.to, c.code);
      out.push(await this.hv.verifyCalldata(c.rawWitness ?? encodeWitness(c.witness), this.gas));
    }
    return out;
  }
}

export async function createEngine(name: EngineName, opts: EngineOptions = {}): Promise<Engine> {
  return name === 'revm' ? new RevmEngine(opts) : EthereumjsEngine.create(opts);
}
