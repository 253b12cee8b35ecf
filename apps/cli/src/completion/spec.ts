import type { Command, Option } from 'commander';
import { TOKEN_FORMATS } from '../bridges/token-formats.js';

// What the completion scripts know, read off the program commander builds: so a new command, flag
// or argument completes without anyone editing the scripts. Names that live in the config (providers,
// accounts) are not here: the scripts ask `tokensmith __complete` for them at Tab time.

/** The shells `tokensmith completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

/** A shell `tokensmith completion` writes a script for. */
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** One flag: its spellings, whether it takes a value, and the fixed values it takes, if any. */
export interface FlagSpec {
  long?: string;
  short?: string;
  description: string;
  takesValue: boolean;
  /** Fixed values (`--format`, `--store`); undefined: any value (or a file, for `--config`). */
  values?: readonly string[];
}

/** One command: its flags and what its positional arguments are. */
export interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  /** The kind of each positional argument, in order: a provider name, an account name, or anything else. */
  args: Array<'provider' | 'account' | 'other'>;
}

/** Everything the scripts complete besides config names. */
export interface CompletionSpec {
  globalFlags: FlagSpec[];
  commands: CommandSpec[];
}

/** The store kinds `--store` completes (the settings that name a place, `file:PATH` and `redis://`, are typed). */
const STORE_KINDS = ['auto', 'keychain', 'file', 'memory'] as const;

/** Fixed values of the flags that have them, by long name (commander's choices win when a flag declares some). */
const FLAG_VALUES: Record<string, readonly string[]> = { '--format': TOKEN_FORMATS, '--store': STORE_KINDS };

function flagSpec(option: Option): FlagSpec {
  const takesValue = option.required || option.optional;
  const values = option.argChoices ?? (option.long ? FLAG_VALUES[option.long] : undefined);
  return {
    ...(option.long ? { long: option.long } : {}),
    ...(option.short ? { short: option.short } : {}),
    description: option.description,
    takesValue,
    ...(takesValue && values ? { values } : {}),
  };
}

/** commander marks `.command(name, { hidden: true })` on a field it does not type. */
const isHidden = (command: Command) => (command as unknown as { _hidden?: boolean })._hidden === true;

/**
 * The completion spec of `program`: its global flags, and each visible command with its flags and
 * the kind of each argument (`<provider>`, `<account>`, anything else), by the argument's name.
 *
 * @example
 * ```ts
 * const spec = completionSpec(buildProgram(io));
 * spec.commands.find((c) => c.name === 'token')?.args; // ['provider']
 * ```
 */
export function completionSpec(program: Command): CompletionSpec {
  const help = { long: '--help', short: '-h', description: 'display help for command', takesValue: false };
  return {
    globalFlags: [...program.options.map(flagSpec), help],
    commands: program.commands
      .filter((command) => !isHidden(command))
      .map((command) => ({
        name: command.name(),
        description: command.description(),
        flags: [...command.options.map(flagSpec), help],
        args: command.registeredArguments.map((argument) => {
          const name = argument.name();
          // `exec [provider-and-command...]` starts with a provider too.
          if (name === 'provider' || name.startsWith('provider-')) return 'provider';
          return name === 'account' ? 'account' : 'other';
        }),
      })),
  };
}
