/**
 * Command-line parsing in Hydra's spirit: `--flag value`, `--flag=value`, and bare
 * `key=value` / `+key=value` / `~key` overrides passed through to the recipe loader.
 */
export interface ParsedArgs {
  command: string | null;
  flags: Record<string, string | true>;
  overrides: string[];
  help: boolean;
}

const BOOLEAN_FLAGS = new Set(['help', 'h', 'quiet']);

export function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { command: null, flags: {}, overrides: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      out.help = true;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (eq !== -1) out.flags[name] = arg.slice(eq + 1);
      else if (BOOLEAN_FLAGS.has(name) || i + 1 >= argv.length || argv[i + 1].startsWith('--')) out.flags[name] = true;
      else out.flags[name] = argv[++i];
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
