// Preloaded with --import into a CLI run: reports the process's peak RSS and CPU time on exit.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nBENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\nBENCH_CPU_US=${user + system}\n`);
});
