import type { Command } from 'commander';
import type { CliIO, Styler } from './terminal/io.js';
import type { GlobalOptions } from './context.js';

/** What every command registration gets: the program, the run's IO, the global options and the stylers. */
export interface CommandContext {
  program: Command;
  io: CliIO;
  global: () => GlobalOptions;
  /** Styles text written to stderr (colour decided for stderr). */
  style: Styler;
  /** Styles text written to stdout (colour decided for stdout: none when it is a file or a pipe). */
  stdoutStyle: Styler;
}
