/** Summary statistics of a sample (nanoseconds or any unit). */
export interface Summary {
  median: number;
  p99: number;
  mean: number;
  n: number;
}

/** Median, p99 and mean of a sample. */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, n: sorted.length };
}

/**
 * Per-call latency of an async function, in ns: `batches` timed batches of `batchSize` sequential
 * calls each (batching keeps the timer's own cost out of sub-microsecond figures).
 */
export async function latency(fn: () => Promise<unknown>, { batches = 2_000, batchSize = 100, warmup = 20_000 } = {}): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batchSize; i++) await fn();
    samples.push(Number(process.hrtime.bigint() - start) / batchSize);
  }
  return summarize(samples);
}

/** Operations per second of a synchronous function over `seconds` (after a warm-up). */
export function throughput(fn: (i: number) => unknown, seconds = 1.5): number {
  for (let i = 0; i < 5_000; i++) fn(i);
  let count = 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 100; i++) fn(count + i);
    count += 100;
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Formats a number with a unit for the table. */
export function fmt(value: number, unit: string, digits = 2): string {
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit}`;
}
