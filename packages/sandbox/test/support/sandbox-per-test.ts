import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/index.js';

// The set-up most sandbox tests share: a fresh sandbox before each test, on a clock the test moves
// by hand (so expiry, intervals and rate-limit windows need no sleeps), stopped after it.

/** The content type of the form POSTs the tests send. */
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Where the test clock starts unless a file says otherwise: a fixed instant, so expiry figures are exact. */
export const TEST_EPOCH = Date.UTC(2026, 0, 1);

/** HTTP Basic client authentication as RFC 6749 2.3.1 has it: id and secret form-urlencoded, then base64. */
export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** The test's clock, epoch ms: read it as `clock.now`, move it with `clock.now += 61_000`. */
export interface TestClock {
  now: number;
}

/** The sandbox of the running test: the one started before it, or the one `restart` started. */
export interface SandboxUnderTest extends Omit<Sandbox, 'stop'> {
  /** Stops this test's sandbox and starts it again with other options (on the same clock unless they give `now`). */
  restart(options?: SandboxOptions): Promise<void>;
  /** Starts a second, independent sandbox (on the same clock unless the options give `now`), stopped after the test. */
  another(options?: SandboxOptions): Promise<Sandbox>;
}

/**
 * Starts a sandbox before each test of the file and stops it (and any `another`) after it. `options`
 * apply to every sandbox the file starts; the clock is reset to `start` before each test.
 */
export function sandboxPerTest(options: SandboxOptions & { start?: number } = {}): { sandbox: SandboxUnderTest; clock: TestClock } {
  const { start = TEST_EPOCH, ...defaults } = options;
  const clock: TestClock = { now: start };
  let current: Sandbox | undefined;
  let others: Sandbox[] = [];
  const begin = (more: SandboxOptions = {}) => startSandbox({ now: () => clock.now, ...defaults, ...more });
  const live = (): Sandbox => {
    if (!current) throw new Error('the sandbox runs during a test only (started by beforeEach)');
    return current;
  };
  beforeEach(async () => {
    clock.now = start;
    current = await begin();
  });
  afterEach(async () => {
    const stopping = current ? [current, ...others] : others;
    current = undefined;
    others = [];
    await Promise.all(stopping.map((sandbox) => sandbox.stop()));
  });
  const sandbox: SandboxUnderTest = {
    get url() {
      return live().url;
    },
    get endpoints() {
      return live().endpoints;
    },
    get stats() {
      return live().stats;
    },
    get state() {
      return live().state;
    },
    get faults() {
      return live().faults;
    },
    async restart(more) {
      const stopping = live();
      current = undefined;
      await stopping.stop();
      current = await begin(more);
    },
    async another(more) {
      const other = await begin(more);
      others.push(other);
      return other;
    },
  };
  return { sandbox, clock };
}
