/**
 * Runs the hypervisor itself inside @ethereumjs/evm, in process: the second reference EVM next to
 * revm (lib/forge). Used by the TypeScript tests and the fuzzer for fast feedback; the archive of
 * each guest is installed directly at the address the hypervisor derives (the factory is not
 * deployed here; src/ArchiveFactory.sol is exercised by the Forge tests).
 */
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, type EVM } from '@ethereumjs/evm';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { fileURLToPath } from 'node:url';
import { bytesToHex, keccak256, type Address } from 'viem';
import { OP } from '../evm/opcodes.ts';
import { compile } from '../../huffc/src/index.ts';
import { archiveParts } from '../archive/index.ts';
import { encodeWitness } from '../witness/abi.ts';
import { decodeVerdict, type Verdict } from '../witness/errors.ts';
import type { Hex, WitnessFile } from '../witness/types.ts';

export const HYPERVISOR_SOURCE = fileURLToPath(new URL('../../src/Hypervisor.huff', import.meta.url));

/** Placeholder factory and init-code hash for in-process runs. */
export const LOCAL_ARCHIVE_FACTORY: Address = '0x00000000000000000000000000000000a4c41e00';
export const LOCAL_ARCHIVE_INIT_CODE_HASH: Hex = keccak256('0x');
const HYPERVISOR_ADDRESS = createAddressFromString('0x0000000000000000000000000000000000c0ffee');
const SENDER = createAddressFromString('0x00000000000000000000000000000000000005e0');
const STATIC_PROXY = createAddressFromString('0x00000000000000000000000000000000000057a7');
const DELEGATE_PROXY = createAddressFromString('0x000000000000000000000000000000000000de1e');

/** How a verifier contract calls the hypervisor: the verdict must be the same for all three. */
export type CallKind = 'call' | 'staticcall' | 'delegatecall';
export const CALL_KINDS: readonly CallKind[] = ['call', 'staticcall', 'delegatecall'];

/**
 * A forwarder that passes its calldata to the hypervisor with STATICCALL (0xfa) or DELEGATECALL
 * (0xf4) and returns or reverts with exactly what came back, as a fraud-proof contract would:
 *   CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY  PUSH0 PUSH0 CALLDATASIZE PUSH0 PUSH20 hv GAS <op>
 *   RETURNDATASIZE PUSH0 PUSH0 RETURNDATACOPY  PUSH1 41 JUMPI  RETURNDATASIZE PUSH0 REVERT
 *   41: JUMPDEST RETURNDATASIZE PUSH0 RETURN
 */
export function forwarderCode(hypervisor: Hex, op: number): Hex {
  const hv = hypervisor.slice(2).padStart(40, '0');
  return `0x365f5f375f5f365f73${hv}5a${op.toString(16)}3d5f5f3e602957${'3d5ffd'}5b3d5ff3`;
}

/** A test build that analyses every block on its first reach (the product runs first reaches one instruction at a time
 * and analyses a block on its second reach): tests run their programs on it too, to reach the analysis. */
export const ANALYSING_FIRST_REACH_SOURCE = fileURLToPath(new URL('../../test/huff/HypervisorAnalysingFirstReach.huff', import.meta.url));

export interface HypervisorBuild {
  /** Extra `-c` constants (fault-injection builds, OSAKA flag, ...). */
  constants?: Record<string, string>;
  /** The source to build (default HYPERVISOR_SOURCE; ANALYSING_FIRST_REACH_SOURCE for the analysing test build). */
  source?: string;
}

export interface HypervisorRun {
  verdict: Verdict;
  /** Gas the hypervisor call used (execution only, no intrinsic transaction gas). */
  hypervisorGas: bigint;
}

export function compileHypervisor(build: HypervisorBuild = {}): Hex {
  const out = compile({
    entry: build.source ?? HYPERVISOR_SOURCE,
    evmVersion: 'prague',
    constants: {
      ARCHIVE_FACTORY: LOCAL_ARCHIVE_FACTORY,
      ARCHIVE_INIT_CODE_HASH: LOCAL_ARCHIVE_INIT_CODE_HASH,
      ...build.constants,
    },
  });
  return `0x${out.runtime}`;
}

/** A reusable in-process hypervisor: compile once, verify many witnesses. */
export class LocalHypervisor {
  private constructor(private readonly evm: EVM, private readonly state: SimpleStateManager) {}

  static async create(build: HypervisorBuild = {}): Promise<LocalHypervisor> {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
    const state = new SimpleStateManager();
    const evm = await createEVM({ common, stateManager: state });
    await state.putAccount(HYPERVISOR_ADDRESS, new Account());
    await state.putCode(HYPERVISOR_ADDRESS, hexToBytes(compileHypervisor(build)));
    await state.putAccount(SENDER, new Account(0n, 10n ** 30n));
    for (const [proxy, op] of [[STATIC_PROXY, OP.STATICCALL], [DELEGATE_PROXY, OP.DELEGATECALL]] as const) {
      await state.putAccount(proxy, new Account());
      await state.putCode(proxy, hexToBytes(forwarderCode(HYPERVISOR_ADDRESS.toString() as Hex, op)));
    }
    return new LocalHypervisor(evm, state);
  }

  /** Installs the archive of `code` (its parts, as the factory would create them). */
  async archive(code: Hex): Promise<void> {
    for (const part of archiveParts(code, LOCAL_ARCHIVE_FACTORY, LOCAL_ARCHIVE_INIT_CODE_HASH)) {
      const addr = createAddressFromString(part.address);
      await this.state.putAccount(addr, new Account());
      await this.state.putCode(addr, hexToBytes(part.runtime));
    }
  }

  /**
   * Verifies an encoded witness (calldata as given, hostile or not). With `via` 'staticcall' or
   * 'delegatecall' the transaction goes to a forwarder that calls the hypervisor that way
   * (hypervisorGas is then the forwarder's gas).
   */
  async verifyCalldata(calldata: Hex, gasLimit = 1_000_000_000n, via: CallKind = 'call', depth = 0): Promise<HypervisorRun> {
    // each verification is its own transaction: nothing stays warm from the previous one (EIP-2929)
    await this.evm.journal.cleanup();
    const result = await this.evm.runCall({
      caller: SENDER,
      origin: SENDER,
      to: via === 'call' ? HYPERVISOR_ADDRESS : via === 'staticcall' ? STATIC_PROXY : DELEGATE_PROXY,
      data: hexToBytes(calldata),
      gasLimit,
      // the call depth the hypervisor is called at (a verifying call nested that deep cannot make calls of its own)
      depth,
    });
    const exec = result.execResult;
    const success = exec.exceptionError === undefined;
    return { verdict: decodeVerdict(success, bytesToHex(exec.returnValue)), hypervisorGas: exec.executionGasUsed };
  }

  /** Archives the file's code and the account code it carries, and verifies the witness (which names its code by
   * codeHash: a witness whose codeHash is not the code's hash names another code, which must be archived separately). */
  async verify(file: WitnessFile, gasLimit?: bigint, via: CallKind = 'call', depth = 0): Promise<HypervisorRun> {
    await this.archive(file.code);
    for (const code of file.accountCode ?? []) await this.archive(code);
    return this.verifyCalldata(encodeWitness(file.witness), gasLimit, via, depth);
  }
}
