import { compile, HuffError, parseEvmVersion, type CompileResult } from './index.js';

const USAGE = `huffc-ts: Huff compiler (huff-neo/hnc compatible subset)

Usage: huffc-ts <file.huff> [options]

Options:
  -b, --bytecode              print the deploy bytecode (constructor + bootstrap + runtime)
  -r, --bin-runtime           print the runtime bytecode
  -e, --evm-version <name>    paris | shanghai | cancun | prague | osaka (default osaka;
                              unknown names fall back to osaka like hnc)
  -c, --constants <K=V...>    override constants; several NAME=VALUE may follow one -c,
                              VALUE is 0x-prefixed hex, true or false
  -m, --alt-main <NAME>       compile NAME instead of MAIN as the runtime
  -t, --alt-constructor <NAME> compile NAME instead of CONSTRUCTOR as the constructor
      --abi                   print the ABI (JSON) of the #define function/event/error declarations
      --no-size-limit         allow runtime code over 24576 bytes
      --relax-jumps           push label targets below 256 with PUSH1 instead of PUSH2
                              (hnc's jump relaxation, iterated to a fixed point; default off)
  -h, --help                  show this help

Output is lowercase hex without 0x and without a trailing newline. With both -b and -r the
output is "\\nbytecode: <hex>\\n\\nruntime: <hex>\\n" like hnc. Errors go to stderr as
"file:line:col: message" with exit code 1.
`;

interface Args {
  file: string | null;
  bytecode: boolean;
  runtime: boolean;
  abi: boolean;
  evm: string | undefined;
  constants: Record<string, string>;
  main: string | undefined;
  ctor: string | undefined;
  noSizeLimit: boolean;
  relaxJumps: boolean;
  help: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    file: null,
    bytecode: false,
    runtime: false,
    abi: false,
    evm: undefined,
    constants: {},
    main: undefined,
    ctor: undefined,
    noSizeLimit: false,
    relaxJumps: false,
    help: false,
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('-')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '-b':
      case '--bytecode':
        a.bytecode = true;
        break;
      case '-r':
      case '--bin-runtime':
        a.runtime = true;
        break;
      case '--abi':
        a.abi = true;
        break;
      case '-e':
      case '--evm-version':
        a.evm = value(++i, arg);
        break;
      case '-m':
      case '--alt-main':
        a.main = value(++i, arg);
        break;
      case '-t':
      case '--alt-constructor':
        a.ctor = value(++i, arg);
        break;
      case '--no-size-limit':
        a.noSizeLimit = true;
        break;
      case '--relax-jumps':
        a.relaxJumps = true;
        break;
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '-c':
      case '--constants': {
        let n = 0;
        while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-') && argv[i + 1]!.includes('=')) {
          const kv = argv[++i]!;
          const eq = kv.indexOf('=');
          a.constants[kv.slice(0, eq)] = kv.slice(eq + 1);
          n++;
        }
        if (n === 0) throw new UsageError(`${arg} needs at least one NAME=VALUE`);
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (a.file !== null) throw new UsageError(`only one input file is supported (got ${a.file} and ${arg})`);
        a.file = arg;
    }
  }
  return a;
}

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** Runs the CLI; returns the exit code. */
export function run(argv: readonly string[], io: CliIO): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr(`huffc-ts: ${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (args.file === null) {
    io.stderr(`huffc-ts: no input file\n${USAGE}`);
    return 1;
  }
  if (!args.bytecode && !args.runtime && !args.abi) {
    io.stderr('huffc-ts: nothing to print: pass -b (deploy bytecode), -r (runtime) or --abi\n');
    return 1;
  }
  let res: CompileResult;
  try {
    res = compile({
      entry: args.file,
      evmVersion: parseEvmVersion(args.evm),
      constants: args.constants,
      ...(args.main !== undefined ? { mainMacro: args.main } : {}),
      ...(args.ctor !== undefined ? { constructorMacro: args.ctor } : {}),
      noSizeLimit: args.noSizeLimit,
      relaxJumps: args.relaxJumps,
    });
  } catch (e) {
    if (e instanceof HuffError) {
      io.stderr(`${e.message}\n`);
      return 1;
    }
    io.stderr(`huffc-ts: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
  let out = '';
  if (args.bytecode && args.runtime) out = `\nbytecode: ${res.deploy}\n\nruntime: ${res.runtime}\n`;
  else if (args.bytecode) out = res.deploy;
  else if (args.runtime) out = res.runtime;
  if (args.abi) out += (out ? '\n' : '') + JSON.stringify(res.abi, null, 2);
  io.stdout(out);
  return 0;
}

export function main(argv: readonly string[]): void {
  const code = run(argv, {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
  process.exitCode = code;
}
