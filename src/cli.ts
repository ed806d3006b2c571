/**
 * Command-line options through node:util `parseArgs`, with the `--help` text generated from the
 * same table: each option's flag, value placeholder, description and default.
 */
import { parseArgs } from "node:util";

export interface OptionSpec {
  /** The flag without dashes, e.g. `network` for `--network`. */
  name: string;
  /** Options that take a value are strings (numbers are converted by the caller). */
  type: "string" | "boolean";
  /** The value's placeholder in the help, e.g. `<name>`. */
  value?: string;
  description: string;
  /** A short alias, e.g. `h`. */
  short?: string;
  /** The default, as the help shows it. */
  default?: string;
}

/** A usage error: the caller prints it with the help text and exits 2. */
export class UsageError extends Error {}

const HELP: OptionSpec = { name: "help", short: "h", type: "boolean", description: "this text" };

/** `usage` lines, a blank line, the summary, then one aligned line per option (and --help). */
export function helpText(usage: string, summary: string, specs: readonly OptionSpec[]): string {
  const all = [...specs, HELP];
  const left = all.map(
    (s) =>
      `  ${s.short === undefined ? "" : `-${s.short}, `}--${s.name}${s.value ? ` ${s.value}` : ""}`,
  );
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = all.map((s, i) => {
    const text =
      s.default === undefined ? s.description : `${s.description} (default ${s.default})`;
    return left[i].padEnd(width) + text;
  });
  return `${usage}\n\n${summary}\n\n${lines.join("\n")}`;
}

/**
 * Parses `argv` against the table (strict: an unknown option or a missing value is a UsageError;
 * a repeated option keeps its last value). `help` is true when --help or -h was given.
 */
export function parseCli(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  options: { positionals?: boolean } = {},
): { values: Record<string, string | boolean | undefined>; positionals: string[]; help: boolean } {
  const config = Object.fromEntries(
    [...specs, HELP].map((s) => [s.name, { type: s.type, ...(s.short ? { short: s.short } : {}) }]),
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: config,
      strict: true,
      allowPositionals: options.positionals ?? false,
      allowNegative: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? conciseMessage(error.message) : String(error));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const spec of specs) {
    const v = values[spec.name];
    if (spec.type === "string" && typeof v === "string" && v.startsWith("--")) {
      throw new UsageError(`--${spec.name} needs a value`);
    }
  }
  return { values, positionals: parsed.positionals, help: values.help === true };
}

/** parseArgs' messages, shortened ("Option '--x <value>' argument missing" -> "--x needs a value"). */
function conciseMessage(message: string): string {
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const ambiguous = /^Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value`;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const positional = /^Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument ${positional[1]}`;
  return message.split("\n")[0];
}

/** A string option as a number (a UsageError if it is not one). */
export function numberOption(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || Number.isNaN(n)) {
    throw new UsageError(`--${flag} needs a number, got ${value}`);
  }
  return n;
}
