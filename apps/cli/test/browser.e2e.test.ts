import type { Browser } from 'playwright-core';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '@tokensmith/sandbox';
import { checkAccessibility, launchChromium, openSession, screenshot, startCli, type BrowserSession, type CliRun } from './browser.js';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// A person in a real browser (headless Chromium) on the sandbox's authorize pages, driving the
// real `tokensmith` binary: the OAuth 1.0a PIN flow and the authorization code flow with its
// loopback redirect, approve and deny, with a basic accessibility check and a screenshot of every
// page reached (test-artifacts/screenshots/). Chromium only ever loads 127.0.0.1.

const CLI_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 120_000;
const USER = DEMO_CREDENTIALS.user;
const AUTHORIZE_URL = /Open this URL to authorize:\n {2}(\S+)\n/;

let browser: Browser | undefined;
let sandbox: Sandbox | undefined;
const sessions: BrowserSession[] = [];
const runs: CliRun[] = [];

beforeAll(async () => {
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  for (const run of runs.splice(0)) run.kill();
  await Promise.all(sessions.splice(0).map((session) => session.context.close()));
  await sandbox?.stop();
  sandbox = undefined;
});

function sb(): Sandbox {
  if (!sandbox) throw new Error('no sandbox');
  return sandbox;
}

async function session(): Promise<BrowserSession> {
  if (!browser) throw new Error('Chromium did not start');
  const opened = await openSession(browser);
  sessions.push(opened);
  return opened;
}

function cli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const run = startCli(argv, { cwd, env, timeoutMs: CLI_TIMEOUT_MS });
  runs.push(run);
  return run;
}

/** Every request the browser made went to 127.0.0.1, nothing had to be refused, and no page logged an error (CSP or other). */
function expectLoopbackOnly(browsing: BrowserSession): void {
  expect(browsing.errors).toEqual([]);
  expect(browsing.blocked).toEqual([]);
  expect(browsing.requests.length).toBeGreaterThan(0);
  for (const url of browsing.requests) expect(new URL(url).hostname).toBe('127.0.0.1');
}

/** Clicks a button whose form POST is answered with a redirect to the CLI's loopback listener, and waits to land there. */
async function clickThroughTo(browsing: BrowserSession, button: 'Approve' | 'Deny', target: URL): Promise<void> {
  try {
    await Promise.all([
      browsing.page.waitForURL((u) => u.origin === target.origin && u.pathname === target.pathname),
      browsing.page.getByRole('button', { name: button }).click(),
    ]);
  } catch (error) {
    // A blocked redirect (a CSP form-action violation, say) only shows in the console, just after the abort.
    if (browsing.errors.length === 0)
      await browsing.page.waitForEvent('console', { predicate: (m) => m.type() === 'error', timeout: 2_000 }).catch(() => undefined);
    throw new Error(
      `Chromium did not reach ${target.href} after ${button}: ${(error as Error).message}\nconsole: ${browsing.errors.join('\n') || '(nothing)'}`,
      { cause: error },
    );
  }
}

/** Screenshots the page as reached, then runs the basic accessibility check on it. */
async function expectAccessible(browsing: BrowserSession, name: string) {
  await screenshot(browsing.page, name);
  const report = await checkAccessibility(browsing.page);
  expect({ page: name, problems: report.problems }).toEqual({ page: name, problems: [] });
  return report;
}

/** After a wrong password: both fields are marked invalid and described by the visible error. */
async function expectFieldsFlagged(browsing: BrowserSession, message: RegExp) {
  for (const label of ['Username', 'Password']) {
    const field = browsing.page.getByLabel(label);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await field.getAttribute('aria-describedby');
    expect(describedBy).toBeTruthy();
    expect(await browsing.page.locator(`[id="${describedBy}"]`).textContent()).toMatch(message);
  }
}

async function loggedIn(dir: string, env: NodeJS.ProcessEnv = {}): Promise<boolean> {
  const result = await runBinary(['status', '--json'], { cwd: dir, env, stdin: '' });
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { providers: Array<{ loggedIn: boolean }> }).providers[0]!.loggedIn;
}

describe('OAuth 1.0a PIN flow in Chromium', () => {
  const config = () => sandboxConfig([sandboxProvider(sb(), 'oauth1-pin', { timeoutMs: 20000 })]);
  const env = SANDBOX_ENV;
  const appName = DEMO_CREDENTIALS.oauth1.name;

  /** Step 1 of the login without a terminal: it prints the authorize URL and exits 0; Chromium opens it. */
  async function openAuthorizePage(dir: string) {
    const start = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env });
    expect(start.code).toBe(0);
    const url = AUTHORIZE_URL.exec(start.stderr)?.[1];
    expect(url!.startsWith(`${sb().endpoints.authorizeUrl}?oauth_token=`)).toBe(true);
    const browsing = await session();
    const response = await browsing.page.goto(url!);
    expect(response?.status()).toBe(200);
    await expect(browsing.page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(appName);
    return { browsing };
  }

  it(
    'approve: labelled login, PIN read off the page into the CLI (login --pin), then the timeline',
    async () => {
      const dir = tempDir();
      writeConfig(dir, config());
      const { browsing } = await openAuthorizePage(dir);
      const { page } = browsing;
      const authorize = await expectAccessible(browsing, 'oauth1-authorize');
      expect(authorize.fields).toEqual([
        { name: 'username', label: 'Username' },
        { name: 'password', label: 'Password' },
      ]);
      expect(authorize.buttons).toEqual(['Approve', 'Deny']);

      // A wrong password first: the page says so, and stays usable.
      await page.getByLabel('Username').fill(USER.screenName);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Approve' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(/did not match/);
      await expectFieldsFlagged(browsing, /did not match/);
      await expectAccessible(browsing, 'oauth1-authorize-wrong-password');

      await page.getByLabel('Username').fill(USER.screenName);
      await page.getByLabel('Password').fill(USER.password);
      await page.getByRole('button', { name: 'Approve' }).click();
      const pin = (await page.locator('output#pin').textContent())?.trim() ?? '';
      expect(pin).toMatch(/^\d{7}$/);
      // The PIN is announced with its instruction as its accessible name.
      await expect(page.getByRole('status', { name: /enter this PIN/ }).textContent()).resolves.toBe(pin);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(appName);
      await expectAccessible(browsing, 'oauth1-pin');

      const result = await runBinary(['login', 'user', '--pin', pin], { cwd: dir, env });
      expect(result.stderr).toContain('Logged in to user');
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(pin);

      const timeline = await runBinary(['timeline', 'user', '--count', '2'], { cwd: dir, env, stdin: '' });
      expect(timeline.code).toBe(0);
      expect(timeline.stdout).toMatch(/^Tweet: .+\nOn: .+\nBy: Twitter API \(@twitterapi\)\n/);
      expectLoopbackOnly(browsing);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'deny: the page says so, no PIN; finishing the login anyway exits 2 as denied',
    async () => {
      const dir = tempDir();
      writeConfig(dir, config());
      const { browsing } = await openAuthorizePage(dir);
      const { page } = browsing;
      await page.getByRole('button', { name: 'Deny' }).click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Authorization denied');
      await expect(page.locator('main').textContent()).resolves.toContain(`You did not authorize ${appName}`);
      expect(await page.locator('#pin').count()).toBe(0);
      await expectAccessible(browsing, 'oauth1-denied');

      const result = await runBinary(['login', 'user', '--pin', '0000000'], { cwd: dir, env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/error: .*(denied|not accepted)/);
      expect(await loggedIn(dir, env)).toBe(false);
      expectLoopbackOnly(browsing);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('authorization code flow in Chromium, redirected to the CLI on loopback', () => {
  const scopes = ['tweet.read', 'users.read', 'offline.access'];
  const config = () => sandboxConfig([sandboxProvider(sb(), 'authorization-code', { timeoutMs: 20000 })]);
  const appName = DEMO_CREDENTIALS.oauth2.name;

  /** Starts the login and opens the consent page it prints; returns the CLI's loopback redirect URI too. */
  async function openConsentPage(dir: string) {
    const login = cli(['login', 'me', '--no-browser'], dir);
    const [, url] = await login.waitForStderr(AUTHORIZE_URL);
    expect(url!.startsWith(`${sb().endpoints.oauth2AuthorizeUrl}?`)).toBe(true);
    const redirectUri = new URL(new URL(url!).searchParams.get('redirect_uri')!);
    expect(redirectUri.hostname).toBe('127.0.0.1');
    const browsing = await session();
    const response = await browsing.page.goto(url!);
    expect(response?.status()).toBe(200);
    await expect(browsing.page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(appName);
    for (const scope of scopes) expect(await browsing.page.getByRole('listitem').filter({ hasText: scope }).count()).toBe(1);
    return { login, browsing, redirectUri };
  }

  it(
    'approve: login + consent, Chromium follows the redirect to the CLI, which shows "close this tab"; then the timeline',
    async () => {
      const dir = tempDir();
      writeConfig(dir, config());
      const { login, browsing, redirectUri } = await openConsentPage(dir);
      const { page } = browsing;
      const consent = await expectAccessible(browsing, 'oauth2-consent');
      expect(consent.fields).toEqual([
        { name: 'username', label: 'Username' },
        { name: 'password', label: 'Password' },
      ]);
      expect(consent.buttons).toEqual(['Approve', 'Deny']);

      await page.getByLabel('Username').fill(USER.screenName);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Approve' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Wrong username or password/);
      await expectFieldsFlagged(browsing, /Wrong username or password/);
      await expectAccessible(browsing, 'oauth2-consent-wrong-password');

      await page.getByLabel('Username').fill(USER.screenName);
      await page.getByLabel('Password').fill(USER.password);
      await clickThroughTo(browsing, 'Approve', redirectUri);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('You are signed in');
      await expect(page.getByRole('status').textContent()).resolves.toMatch(/close this tab/i);
      await expectAccessible(browsing, 'oauth2-signed-in');

      const result = await login.done;
      expect(result.stderr).toContain('Logged in to me');
      expect(result.code).toBe(0);

      const timeline = await runBinary(['timeline', 'me', '--count', '2'], { cwd: dir, stdin: '' });
      expect(timeline.code).toBe(0);
      expect(timeline.stdout).toMatch(/^Tweet: .+\nOn: .+\nBy: Twitter API \(@twitterapi\)\n/);
      expectLoopbackOnly(browsing);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'deny: Chromium lands on the CLI page saying it was denied; the CLI exits 2 with access_denied',
    async () => {
      const dir = tempDir();
      writeConfig(dir, config());
      const { login, browsing, redirectUri } = await openConsentPage(dir);
      const { page } = browsing;
      await clickThroughTo(browsing, 'Deny', redirectUri);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign-in failed');
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(/denied.*access_denied/);
      await expectAccessible(browsing, 'oauth2-denied');

      const result = await login.done;
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/error: .*denied.*access_denied/);
      expect(await loggedIn(dir)).toBe(false);
      expectLoopbackOnly(browsing);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('device code flow in Chromium: the person types the code on the sandbox page', () => {
  const config = () => `store: file
providers:
  tv:
    strategy: device-code
    issuer: ${sb().endpoints.issuer}
    clientId: ${DEMO_CREDENTIALS.device.clientId}
    scopes: [tweet.read, users.read, offline.access]
    timeoutMs: 20000
    timeline: { url: ${sb().endpoints.timelineUrl} }
`;
  const CODE = /and enter the code:\n\n\s+(\S+)\n/;

  /** Starts `login tv` (no terminal, no browser here) and types its code into the /device page. */
  async function typeTheCode(dir: string) {
    const login = cli(['login', 'tv', '--no-browser'], dir);
    const [, userCode] = await login.waitForStderr(CODE);
    const [, page] = await login.waitForStderr(/open this page on any device:\n {2}(\S+)\n/);
    const browsing = await session();
    expect((await browsing.page.goto(page!))?.status()).toBe(200);
    await expectAccessible(browsing, 'device-entry');
    // As a person would: lower case, without the dash (RFC 8628 6.1: both are accepted).
    await browsing.page.getByLabel('Code').fill(userCode!.replace('-', '').toLowerCase());
    await browsing.page.getByRole('button', { name: 'Continue' }).click();
    await expect(browsing.page.locator('#user-code').textContent()).resolves.toBe(userCode);
    await expectAccessible(browsing, 'device-consent');
    return { login, browsing };
  }

  it(
    'approve: the code typed, login and consent; the CLI (still polling) logs in, then prints the timeline',
    async () => {
      const dir = tempDir();
      writeConfig(dir, config());
      const { login, browsing } = await typeTheCode(dir);
      const { page } = browsing;
      await page.getByLabel('Username').fill(USER.screenName);
      await page.getByLabel('Password').fill(USER.password);
      await page.getByRole('button', { name: 'Approve' }).click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/connected|approved|done/i);
      await expectAccessible(browsing, 'device-approved');

      const result = await login.done;
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('Logged in to tv');
      const timeline = await runBinary(['timeline', 'tv', '--count', '1'], { cwd: dir });
      expect(timeline.code).toBe(0);
      expect(timeline.stdout).toMatch(/^Tweet: .+\nOn: .+\nBy: Twitter API \(@twitterapi\)\n$/);
      expectLoopbackOnly(browsing);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'deny: the page says so and the CLI exits 2 as denied, storing nothing',
    async () => {
      const dir = tempDir();
      writeConfig(dir, config());
      const { login, browsing } = await typeTheCode(dir);
      await browsing.page.getByRole('button', { name: 'Deny' }).click();
      await expectAccessible(browsing, 'device-denied');
      const result = await login.done;
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/error: .*denied/i);
      expect(await loggedIn(dir)).toBe(false);
      expectLoopbackOnly(browsing);
    },
    TEST_TIMEOUT_MS,
  );
});
