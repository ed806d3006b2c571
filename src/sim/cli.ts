/**
 * The command line of `npm run sim`: a single run, `compare` or `sweep`, each parsed by
 * node:util parseArgs over its option table, with its `--help` generated from the same table.
 */
import { COMPARE_SPECS, COMPARE_USAGE, compareFromValues, type CompareConfig } from "./compare.js";
import {
  OptionError,
  USAGE,
  optionsFromValues,
  parseCommandLine,
  simSpecs,
  type SimOptions,
} from "./options.js";
import { SWEEP_SPECS, SWEEP_USAGE, sweepFromValues, type SweepConfig } from "./sweep.js";

export type SimCommandName = "run" | "compare" | "sweep";

/** What `npm run sim -- <argv>` asks for: a help text, or a command with its configuration. */
export type SimCommand =
  | { command: SimCommandName; help: true; usage: string }
  | { command: "run"; help: false; options: SimOptions }
  | { command: "compare"; help: false; config: CompareConfig }
  | { command: "sweep"; help: false; config: SweepConfig };

const COMMANDS = {
  run: { specs: simSpecs(), usage: USAGE },
  compare: { specs: COMPARE_SPECS, usage: COMPARE_USAGE },
  sweep: { specs: SWEEP_SPECS, usage: SWEEP_USAGE },
} as const;

/**
 * Parses `npm run sim`'s arguments: `compare` or `sweep` first selects that subcommand. Throws an
 * {@link OptionError} whose `usage` is the help text of the subcommand it was given to.
 */
export function parseSimCommand(argv: readonly string[]): SimCommand {
  const command: SimCommandName = argv[0] === "compare" || argv[0] === "sweep" ? argv[0] : "run";
  const { specs, usage } = COMMANDS[command];
  const rest = command === "run" ? argv : argv.slice(1);
  try {
    const { values, help } = parseCommandLine(rest, specs, usage);
    if (help) return { command, help: true, usage };
    switch (command) {
      case "run":
        return { command, help: false, options: optionsFromValues(values) };
      case "compare":
        return { command, help: false, config: compareFromValues(values) };
      case "sweep":
        return { command, help: false, config: sweepFromValues(values) };
    }
  } catch (error) {
    if (error instanceof OptionError && error.usage === undefined) {
      throw new OptionError(error.message, usage);
    }
    throw error;
  }
}
