import { MemoryStore } from '@tokensmith/core';
import { POLL_DRIFT_MARGIN_MS, createDeviceCodeProvider } from '@tokensmith/device-code';
import { DEMO_CREDENTIALS, decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';

/** One approval: when the person approved, what the minimum is, and what the client did. */
export interface PollingRun {
  /** Seconds from the device authorization to the approval. */
  approveAfterSeconds: number;
  intervalSeconds: number;
  /** ceil(approveAfter / interval): one poll per interval, the last one after the approval. */
  minimumPolls: number;
  polls: number;
  slowDowns: number;
}

/**
 * Polls per approval against the sandbox's device-code grant (RFC 8628 3.4-3.5), read from the
 * sandbox's own counters (`stats.devicePolls`, `stats.deviceSlowDowns`: the sandbox answers
 * slow_down to any poll that comes before the interval has passed).
 *
 * - `virtual`: the server's real 5 s interval, on an injected clock (the provider's `sleep`
 *   advances the sandbox's `now`), approvals at several times; no real waiting.
 * - `real`: real timers, with a fast interval injected into the sandbox (1 s), approval after 2.5 s:
 *   timer jitter must never make a poll early.
 */
export async function devicePolling(): Promise<{ virtual: PollingRun[]; real: PollingRun }> {
  const virtual: PollingRun[] = [];
  for (const approveAfterSeconds of [1, 4.5, 7, 12.5, 23, 61]) virtual.push(await virtualRun(approveAfterSeconds));
  return { virtual, real: await realRun(1, 2.5) };
}

async function virtualRun(approveAfterSeconds: number): Promise<PollingRun> {
  let clock = Date.UTC(2026, 0, 1);
  const sandbox = await startSandbox({ now: () => clock });
  try {
    const started = clock;
    let approved = false;
    let page: string | undefined;
    const provider = createDeviceCodeProvider({
      issuer: sandbox.endpoints.issuer,
      clientId: DEMO_CREDENTIALS.device.clientId,
      scopes: ['tweet.read'],
      store: new MemoryStore(),
      now: () => clock,
      onCode: (info) => void (page = info.verificationUriComplete),
      sleep: async (ms) => {
        clock += ms;
        // The person approves on the verification page at the chosen moment (here: during this wait).
        if (!approved && clock - started >= approveAfterSeconds * 1000) {
          approved = true;
          await decideOnAuthorizePage(page!, 'approve');
        }
      },
    });
    await provider.login();
    return pollingRun(sandbox, 5, approveAfterSeconds);
  } finally {
    await sandbox.stop();
  }
}

/** What one approval cost: the sandbox's count of polls and slow_downs against the minimum ceil(t / interval). */
function pollingRun(sandbox: Sandbox, intervalSeconds: number, approveAfterSeconds: number): PollingRun {
  return {
    approveAfterSeconds,
    intervalSeconds,
    // Each wait is the interval plus the client's margin against server clock drift.
    minimumPolls: Math.ceil(approveAfterSeconds / (intervalSeconds + POLL_DRIFT_MARGIN_MS / 1000)),
    polls: sandbox.stats.devicePolls,
    slowDowns: sandbox.stats.deviceSlowDowns,
  };
}

async function realRun(intervalSeconds: number, approveAfterSeconds: number): Promise<PollingRun> {
  const sandbox = await startSandbox({ deviceIntervalSeconds: intervalSeconds });
  let timer: NodeJS.Timeout | undefined;
  try {
    const provider = createDeviceCodeProvider({
      issuer: sandbox.endpoints.issuer,
      clientId: DEMO_CREDENTIALS.device.clientId,
      scopes: ['tweet.read'],
      store: new MemoryStore(),
      onCode: (info) => {
        timer = setTimeout(() => void decideOnAuthorizePage(info.verificationUriComplete!, 'approve'), approveAfterSeconds * 1000);
      },
    });
    await provider.login();
    return pollingRun(sandbox, intervalSeconds, approveAfterSeconds);
  } finally {
    clearTimeout(timer);
    await sandbox.stop();
  }
}
