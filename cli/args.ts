/** Argument parsing for iso-hv (no library: every message is ours). */
import type { Hex } from '../lib/witness/index.ts';

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
/** No verdict: the hypervisor ran out of gas, the code is not archived, unexpected answer, or forge failed. */
export const EXIT_NO_VERDICT = 3;

export const USAGE = `iso-hv: run and verify EVM message witnesses with the ISO hypervisor

Usage:
  iso-hv run     --code 0x… [message options] [--json] [build options]
  iso-hv run     --case <file.json> [--name NAME] [--json] [build options]
      Runs the message natively (@ethereumjs/evm), builds its honest witness, verifies it with
      the hypervisor in revm (forge) and prints the native outcome, the verdict and the
      hypervisor's gas. With --case the message is one case of the shape of
      ../shared/conformance/cases.json (a file holding one case, or a cases file with --name
      choosing one); the case's expected outcome, if it states one, is compared too. When the
      case's message makes calls (accountsAtStart may give an account's "code" and "storage"),
      every frame of the message tree gets its honest witness and is verified, and the links
      between frames are checked (caller's call record ↔ callee's witness): one row per frame
      (depth, path, to, native gas, verification gas, verdict), then the links; valid only if
      every frame is valid and every link holds.
  iso-hv witness --code 0x… [message options]
      Prints the honest witness as JSON (docs/witness.md, "JSON form").
  iso-hv verify  <file.json | -> [--json] [build options]
      Verifies a witness JSON file ("-" reads standard input) and prints the verdict. The file's
      "code" is archived first (archives are addressed by code hash); a file whose "code" does not
      hash to its "codeHash" is refused (exit 2).

A mined transaction, from a node (JSON-RPC with the debug API: anvil, geth --http.api eth,debug, reth):
  iso-hv witness --tx 0x… [--rpc URL] [--out DIR]
      Builds the honest witness of every frame of the transaction (lib/chain/trace.ts: the node's
      prestate and call traces, cross-checked against its call trace and receipt) and writes one
      witness JSON file per frame to DIR/<tx hash>/frame-<path>.json (DIR default witnesses/;
      <path> is "top" for the transaction's own frame, else the call indices, e.g. frame-0-1.json).
      Progress on stderr, one row per frame on stdout.
  iso-hv verify  --tx 0x… [--rpc URL] [--local | --onchain [--hypervisor 0x… --factory 0x…
                 --private-key 0x…]] [--json]
      Builds the witnesses as above, verifies every frame and checks every link between frames;
      one row per frame: path, depth, to, native gas, verification gas, ratio, verdict. --local
      (default) verifies with the hypervisor in process (@ethereumjs/evm); --onchain verifies
      with eth_call on the hypervisor deployed on the --rpc chain, archiving missing code first
      (transactions signed by --private-key), and its verification gas is eth_estimateGas's
      (the verifying transaction's intrinsic gas included).
  Without --rpc, the anvil that \`npm start -- --keep\` leaves running is used: its URL (and, for
  --onchain, its hypervisor, factory and anvil's first default key) from .iso-hv/anvil.json.

Message options:
  --code 0x…         the code of \`to\` (required; the witness names it by its keccak256, codeHash)
  --calldata 0x…     call data (default 0x)
  --value N          call value in wei (default 0)
  --gas N            gasAvailable: gas given to the message (default 10000000)
  --caller 0x…       caller address (default 0x1000…0001)
  --origin 0x…       tx.origin (default 0x1000…0001)
  --to 0x…           address whose code runs (default 0x2000…0002; not a precompile, 0x01-0x11: those run no code)
  --gas-price N      gas price (default 0)
  --static           a static call
  N is decimal or 0x-hex.

Build options (run, verify):
  --hypervisor PATH  hypervisor source for HuffDeployer, relative to src/ without .huff
                     (default Hypervisor, or $ISO_HV_SOURCE)
  --constant K=V     extra Huff constant (repeatable), e.g. for fault-injection builds
  --hv-gas N         gas given to the hypervisor frame (default 1000000000)

Output:
  --json             one JSON object on stdout:
                     {"native":{"status":1,"gasUsed":"24","returndata":"0x…"},
                      "verdict":{"valid":true,"kind":"valid","code":null,"guestPc":null,"recordIndex":null},
                      "hypervisorGas":"1234"}            ("native" only for run)
  -h, --help         this help

Exit status: 0 valid verdict (witness: printed), 1 invalid verdict (--tx: or a broken link),
2 usage error (bad arguments, unreadable file, invalid JSON; --tx: node unreachable or without
the debug API, transaction not found, pending or not supported), 3 no verdict (hypervisor out of
gas, code not archived, unexpected answer, forge failure; --tx: the witness builder and the node
disagree).`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface MessageOptions {
  code: Hex;
  calldata: Hex;
  value: bigint;
  gas: bigint;
  caller?: Hex;
  origin?: Hex;
  to?: Hex;
  gasPrice: bigint;
  isStatic: boolean;
}

export interface BuildOptions {
  hypervisor?: string;
  constants: Record<string, string>;
  hvGas?: bigint;
}

export type Command =
  | { kind: 'help' }
  | { kind: 'run'; message: MessageOptions; build: BuildOptions; json: boolean }
  | { kind: 'runCase'; file: string; name?: string; build: BuildOptions; json: boolean }
  | { kind: 'witness'; message: MessageOptions }
  | { kind: 'verify'; file: string; build: BuildOptions; json: boolean }
  | { kind: 'witnessTx'; tx: Hex; rpc?: string; out: string }
  | { kind: 'verifyTx'; tx: Hex; rpc?: string; onchain?: OnchainOptions; json: boolean };

/** verify --tx --onchain: the deployment to verify with and the key that archives code (each may come from .iso-hv/anvil.json). */
export interface OnchainOptions {
  hypervisor?: Hex;
  factory?: Hex;
  privateKey?: Hex;
}

/** Where `witness --tx` writes unless --out says otherwise. */
export const DEFAULT_WITNESS_DIR = 'witnesses';

const MAX_UINT256 = (1n << 256n) - 1n;

export function parseHex(flag: string, v: string): Hex {
  if (!/^0x[0-9a-fA-F]*$/.test(v)) throw new UsageError(`${flag}: expected 0x-prefixed hex, got ${JSON.stringify(v)}`);
  if (v.length % 2 !== 0) throw new UsageError(`${flag}: odd number of hex digits in ${JSON.stringify(v)} (whole bytes expected)`);
  return v.toLowerCase() as Hex;
}

export function parseAddress(flag: string, v: string): Hex {
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) {
    throw new UsageError(`${flag}: expected an address (0x + 40 hex digits), got ${JSON.stringify(v)}`);
  }
  return v.toLowerCase() as Hex;
}

export function parseUint(flag: string, v: string, max: bigint = MAX_UINT256): bigint {
  if (!/^(0|[1-9][0-9]*|0x[0-9a-fA-F]+)$/.test(v)) {
    throw new UsageError(`${flag}: expected a non-negative integer (decimal or 0x-hex), got ${JSON.stringify(v)}`);
  }
  const n = BigInt(v);
  if (n > max) throw new UsageError(`${flag}: ${v} is too large (at most ${max})`);
  return n;
}

const MESSAGE_FLAGS = new Set(['--code', '--calldata', '--value', '--gas', '--caller', '--origin', '--to', '--gas-price', '--static']);
const BUILD_FLAGS = new Set(['--hypervisor', '--constant', '--hv-gas']);
const CASE_FLAGS = new Set(['--case', '--name']);
const TX_FLAGS = new Set(['--tx', '--rpc', '--out', '--local', '--onchain', '--factory', '--private-key']);
const BOOLEAN_FLAGS = new Set(['--static', '--json', '--help', '-h', '--local', '--onchain']);

/** Splits argv into flags (with values) and positionals; `--flag=value` is accepted too. */
function tokenize(argv: readonly string[]): { flags: Array<[string, string | true]>; positionals: string[] } {
  const flags: Array<[string, string | true]> = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-' || !a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 && a.startsWith('--') ? a.slice(0, eq) : a;
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq > 0 && a.startsWith('--')) throw new UsageError(`${name} takes no value`);
      flags.push([name, true]);
      continue;
    }
    if (!MESSAGE_FLAGS.has(name) && !BUILD_FLAGS.has(name) && !CASE_FLAGS.has(name) && !TX_FLAGS.has(name)) throw new UsageError(`unknown option ${name}`);
    if (eq > 0 && a.startsWith('--')) {
      flags.push([name, a.slice(eq + 1)]);
      continue;
    }
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith('-') && v !== '-')) throw new UsageError(`${name} needs a value`);
    flags.push([name, v]);
    i++;
  }
  return { flags, positionals };
}

export function parseCli(argv: readonly string[]): Command {
  if (argv.length === 0) throw new UsageError('missing command (run, witness or verify); see iso-hv --help');
  const [cmd, ...rest] = argv as [string, ...string[]];
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') return { kind: 'help' };
  if (cmd !== 'run' && cmd !== 'witness' && cmd !== 'verify') {
    throw new UsageError(`unknown command ${JSON.stringify(cmd)} (expected run, witness or verify); see iso-hv --help`);
  }
  const { flags, positionals } = tokenize(rest);
  if (flags.some(([f]) => f === '--help' || f === '-h')) return { kind: 'help' };
  const txFlag = flags.find(([f]) => TX_FLAGS.has(f));
  if (txFlag !== undefined) {
    if (cmd === 'run') throw new UsageError(`${txFlag[0]} is an option of witness --tx and verify --tx, not of run`);
    return parseTxCommand(cmd, flags, positionals);
  }

  const seen = new Set<string>();
  let json = false;
  const message: Partial<MessageOptions> & { calldata: Hex; value: bigint; gas: bigint; gasPrice: bigint; isStatic: boolean } = {
    calldata: '0x',
    value: 0n,
    gas: 10_000_000n,
    gasPrice: 0n,
    isStatic: false,
  };
  const build: BuildOptions = { constants: {} };
  let caseFile: string | undefined;
  let caseName: string | undefined;
  for (const [f, v] of flags) {
    if (f !== '--constant') {
      if (seen.has(f)) throw new UsageError(`${f} given more than once`);
      seen.add(f);
    }
    if (cmd === 'verify' && MESSAGE_FLAGS.has(f)) throw new UsageError(`${f} is not an option of verify (the witness file gives the message)`);
    if (cmd === 'witness' && (BUILD_FLAGS.has(f) || f === '--json')) throw new UsageError(`${f} is not an option of witness`);
    if (cmd !== 'run' && CASE_FLAGS.has(f)) throw new UsageError(`${f} is an option of run only`);
    const val = v as string;
    switch (f) {
      case '--json':
        json = true;
        break;
      case '--static':
        message.isStatic = true;
        break;
      case '--code':
        message.code = parseHex(f, val);
        break;
      case '--calldata':
        message.calldata = parseHex(f, val);
        break;
      case '--value':
        message.value = parseUint(f, val);
        break;
      case '--gas':
        message.gas = parseUint(f, val, (1n << 64n) - 1n);
        break;
      case '--gas-price':
        message.gasPrice = parseUint(f, val);
        break;
      case '--caller':
        message.caller = parseAddress(f, val);
        break;
      case '--origin':
        message.origin = parseAddress(f, val);
        break;
      case '--to':
        message.to = parseAddress(f, val);
        break;
      case '--case':
        caseFile = val;
        break;
      case '--name':
        caseName = val;
        break;
      case '--hypervisor':
        if (!/^[A-Za-z0-9_./-]+$/.test(val)) throw new UsageError(`--hypervisor: not a plain source path: ${JSON.stringify(val)}`);
        build.hypervisor = val;
        break;
      case '--hv-gas':
        build.hvGas = parseUint(f, val, (1n << 63n) - 1n);
        break;
      case '--constant': {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(0x[0-9a-fA-F]+|true|false)$/.exec(val);
        if (!m) throw new UsageError(`--constant: expected NAME=0xHEX (or NAME=true/false), got ${JSON.stringify(val)}`);
        build.constants[m[1]!] = m[2]!;
        break;
      }
    }
  }
  if (message.isStatic && message.value !== 0n) throw new UsageError('--static with a nonzero --value: a static call cannot carry value');

  if (cmd === 'verify') {
    if (positionals.length === 0) throw new UsageError('verify: missing the witness file (a path, or - for standard input)');
    if (positionals.length > 1) throw new UsageError(`verify: unexpected extra argument ${JSON.stringify(positionals[1])}`);
    return { kind: 'verify', file: positionals[0]!, build, json };
  }
  if (positionals.length > 0) throw new UsageError(`${cmd}: unexpected argument ${JSON.stringify(positionals[0])}`);
  if (caseName !== undefined && caseFile === undefined) throw new UsageError('--name chooses a case of --case <file.json>: give the file');
  if (caseFile !== undefined) {
    const given = flags.map(([f]) => f).find((f) => MESSAGE_FLAGS.has(f));
    if (given !== undefined) throw new UsageError(`${given} cannot be combined with --case (the case gives the message)`);
    return { kind: 'runCase', file: caseFile, ...(caseName !== undefined ? { name: caseName } : {}), build, json };
  }
  if (message.code === undefined) throw new UsageError(cmd === 'run' ? 'run: --code is required (or --case <file.json>)' : `${cmd}: --code is required`);
  const m = message as MessageOptions;
  return cmd === 'run' ? { kind: 'run', message: m, build, json } : { kind: 'witness', message: m };
}

/** A private key: 0x + 64 hex digits. */
export function parsePrivateKey(flag: string, v: string): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(v)) throw new UsageError(`${flag}: expected a private key (0x + 64 hex digits)`);
  return v.toLowerCase() as Hex;
}

/** witness --tx and verify --tx (a mined transaction from a node). */
function parseTxCommand(cmd: 'witness' | 'verify', flags: ReadonlyArray<[string, string | true]>, positionals: readonly string[]): Command {
  if (positionals.length > 0) throw new UsageError(`${cmd} --tx: unexpected argument ${JSON.stringify(positionals[0])} (the transaction gives the witnesses)`);
  const seen = new Set<string>();
  let tx: Hex | undefined;
  let rpc: string | undefined;
  let out: string | undefined;
  let json = false;
  let local = false;
  let onchain = false;
  const chain: OnchainOptions = {};
  for (const [f, v] of flags) {
    if (seen.has(f)) throw new UsageError(`${f} given more than once`);
    seen.add(f);
    const val = v as string;
    if (MESSAGE_FLAGS.has(f) || CASE_FLAGS.has(f)) throw new UsageError(`${f} cannot be combined with --tx (the transaction gives the message)`);
    if (cmd === 'witness' && !['--tx', '--rpc', '--out'].includes(f)) throw new UsageError(`${f} is not an option of witness --tx`);
    if (cmd === 'verify' && f === '--out') throw new UsageError('--out is an option of witness --tx (verify --tx writes no files)');
    switch (f) {
      case '--tx':
        if (!/^0x[0-9a-fA-F]{64}$/.test(val)) throw new UsageError(`--tx: expected a transaction hash (0x + 64 hex digits), got ${JSON.stringify(val)}`);
        tx = val.toLowerCase() as Hex;
        break;
      case '--rpc':
        if (!/^https?:\/\/\S+$/.test(val)) throw new UsageError(`--rpc: expected a node URL (http://host:port), got ${JSON.stringify(val)}`);
        rpc = val;
        break;
      case '--out':
        out = val;
        break;
      case '--json':
        json = true;
        break;
      case '--local':
        local = true;
        break;
      case '--onchain':
        onchain = true;
        break;
      case '--hypervisor':
        chain.hypervisor = parseAddress('--hypervisor (with --tx: the deployed hypervisor\'s address)', val);
        break;
      case '--factory':
        chain.factory = parseAddress(f, val);
        break;
      case '--private-key':
        chain.privateKey = parsePrivateKey(f, val);
        break;
      default:
        throw new UsageError(`${f} is not an option of ${cmd} --tx`);
    }
  }
  if (tx === undefined) throw new UsageError(`${cmd}: --tx <hash> is required with ${[...seen].join(', ')}`);
  if (cmd === 'witness') return { kind: 'witnessTx', tx, ...(rpc !== undefined ? { rpc } : {}), out: out ?? DEFAULT_WITNESS_DIR };
  if (local && onchain) throw new UsageError('verify --tx: --local and --onchain exclude each other');
  const chainFlag = (['--hypervisor', '--factory', '--private-key'] as const).find((f) => seen.has(f));
  if (!onchain && chainFlag !== undefined) throw new UsageError(`${chainFlag} is an option of verify --tx --onchain`);
  return { kind: 'verifyTx', tx, ...(rpc !== undefined ? { rpc } : {}), ...(onchain ? { onchain: chain } : {}), json };
}
