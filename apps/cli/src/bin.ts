#!/usr/bin/env node
import { EXIT_CANCELLED, run } from './program.js';
import { exitCodeAfterOutput, guardOutput, isReaderGone, outputFailureLine } from './terminal/output-failure.js';

// Before anything is written: a closed pipe (`| head -1`) or a full disk must end the run with a
// word or quietly, not with Node's unhandled 'error' stack trace.
const output = guardOutput(process.stdout, process.stderr);

// Ctrl-C and SIGTERM abort the running command through one signal, so a login closes its
// listener, stops prompting and writes nothing half-done; then the process exits 128 + signal.
// A second Ctrl-C, or a command that does not finish its cleanup in time, exits at once.
const controller = new AbortController();
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
let signalled: NodeJS.Signals | undefined;
const onSignal = (signal: NodeJS.Signals) => {
  if (signalled) process.exit(SIGNAL_EXIT[signalled]);
  signalled = signal;
  controller.abort();
  setTimeout(() => process.exit(SIGNAL_EXIT[signal]), 5000).unref();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});

// Exit once the output is flushed: a socket a library left open (a keep-alive connection, a
// half-read body) must not keep the process alive after the command is done.
const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => (stream.writableLength === 0 || stream.destroyed ? resolve() : stream.write('', () => resolve())));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
if (output.failure !== undefined && !isReaderGone(output.failure)) {
  process.stderr.write(outputFailureLine(output.failure));
  await flushed(process.stderr);
}
process.exit(signalled && code === EXIT_CANCELLED ? SIGNAL_EXIT[signalled] : exitCodeAfterOutput(code, output.failure));
