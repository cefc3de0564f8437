/**
 * Command-line parsing in Hydra's spirit: `--flag value`, `--flag=value`, and bare
 * `key=value` / `+key=value` / `~key` overrides passed through to the recipe loader.
 */
import { nearestName } from '../errors';

export interface ParsedArgs {
  command: string | null;
  /** Each flag's last value. */
  flags: Record<string, string | true>;
  /** Every value of each flag, in order (for repeatable flags such as --require). */
  repeated: Record<string, Array<string | true>>;
  overrides: string[];
  help: boolean;
  /** Everything after a bare `--`, untouched (the worker command of `sg-optim launch`); undefined without `--`. */
  passthrough?: string[];
}

const BOOLEAN_FLAGS = new Set(['help', 'h', 'verbose']);

export function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { command: null, flags: {}, repeated: {}, overrides: [], help: false };
  const set = (name: string, value: string | true) => {
    out.flags[name] = value;
    (out.repeated[name] ??= []).push(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.passthrough = argv.slice(i + 1);
      break;
    }
    if (arg === '--help' || arg === '-h') {
      out.help = true;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (eq !== -1) set(name, arg.slice(eq + 1));
      else if (BOOLEAN_FLAGS.has(name) || i + 1 >= argv.length || argv[i + 1].startsWith('--')) set(name, true);
      else set(name, argv[++i]);
    } else if (out.command === null && !arg.includes('=') && !arg.startsWith('+') && !arg.startsWith('~')) {
      out.command = arg;
    } else {
      out.overrides.push(arg);
    }
  }
  return out;
}

/** A string flag's value, or undefined; `--flag` without a value is an error. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  if (v === true) throw new Error(`--${name} needs a value`);
  return v;
}

/** Every value of a repeatable string flag (`--require a --require b`), each required. */
export function listFlag(args: ParsedArgs, name: string): string[] {
  return (args.repeated[name] ?? []).map((v) => {
    if (v === true) throw new Error(`--${name} needs a value`);
    return v;
  });
}

/**
 * Unknown flags are errors, so that a typo (`--config_name`) is not silently ignored:
 * "unknown flag '--confg-name' for 'train'; did you mean '--config-name'? known: ...".
 */
export function checkFlags(args: ParsedArgs, command: string, known: readonly string[]): void {
  const allowed = [...known, 'help'];
  for (const name of Object.keys(args.flags)) {
    if (allowed.includes(name)) continue;
    const flags = allowed.map((k) => `--${k}`);
    const near = nearestName(`--${name}`, flags);
    throw new Error(`unknown flag '--${name}' for '${command}'${near ? `; did you mean '${near}'?` : ';'} known: ${flags.join(', ')}`);
  }
}
