import type { Command } from 'commander';
import type { CliIO, Styler } from './terminal/io.js';
import type { GlobalOptions } from './context.js';

/** What every command registration gets: the program, the run's IO, the global options and the styler. */
export interface CommandContext {
  program: Command;
  io: CliIO;
  global: () => GlobalOptions;
  style: Styler;
}
