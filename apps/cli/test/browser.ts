import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { spawnCli, type RunResult } from './helpers.js';

// Real-browser helpers for the end-to-end tests: Debian's Chromium driven by playwright-core,
// the CLI binary in a child process we can feed and always kill. Only 127.0.0.1 is ever loaded.

/** Debian's Chromium (installed by scripts/setup-test-deps.sh). */
export const CHROMIUM = '/usr/bin/chromium';
/** Where the page screenshots go (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../test-artifacts/screenshots/', import.meta.url));

/** Launches headless Chromium; fails (never skips) when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: run \`bash scripts/setup-test-deps.sh\` (from the repository root) to install the test dependencies`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 45_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--metrics-recording-only',
      '--disable-features=Translate,MediaRouter,OptimizationHints',
    ],
  });
}

/** A fresh context and page; every request it makes is recorded, and anything off 127.0.0.1 is refused. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for, in order. */
  requests: string[];
  /** Requests refused because they were not for 127.0.0.1 (should stay empty). */
  blocked: string[];
  /** Console errors and page errors (a CSP violation shows here), which should stay empty. */
  errors: string[];
}

export async function openSession(browser: Browser, actionTimeoutMs = 20_000): Promise<BrowserSession> {
  const context = await browser.newContext({ viewport: { width: 800, height: 720 }, locale: 'en-US', serviceWorkers: 'block' });
  context.setDefaultTimeout(actionTimeoutMs);
  context.setDefaultNavigationTimeout(actionTimeoutMs);
  const requests: string[] = [];
  const blocked: string[] = [];
  const errors: string[] = [];
  // The machine has no network but loopback: never let the browser try anything else.
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    // A 401/400 page (wrong password, denied) is expected; the status is asserted by the tests themselves.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of'))
      errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, requests, blocked, errors };
}

/** Saves a full-page PNG to test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** What the basic accessibility check found on a page (empty `problems` is a pass). */
export interface AccessibilityReport {
  lang: string;
  title: string;
  h1: string[];
  /** Every visible form control with the text of its label. */
  fields: Array<{ name: string; label: string }>;
  /** Every button with its accessible name. */
  buttons: string[];
  problems: string[];
}

/**
 * A basic accessibility check: `<html lang>`, a `<title>`, exactly one `<h1>`, every form
 * control labelled, every button named, no asset or form target off 127.0.0.1, and a visible
 * focus indicator on every control reached with the Tab key.
 */
export async function checkAccessibility(page: Page): Promise<AccessibilityReport> {
  const report = await page.evaluate(() => {
    const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const byIds = (ids: string | null) =>
      (ids ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => text(document.getElementById(id)))
        .join(' ')
        .trim();
    const problems: string[] = [];
    const lang = document.documentElement.getAttribute('lang') ?? '';
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(lang)) problems.push(`<html lang> is missing or invalid (${JSON.stringify(lang)})`);
    const title = document.title.trim();
    if (!title) problems.push('<title> is missing or empty');
    const h1 = [...document.querySelectorAll('h1')].map((h) => text(h));
    if (h1.length !== 1) problems.push(`expected exactly one <h1>, found ${h1.length}`);
    if (h1.some((h) => !h)) problems.push('an <h1> is empty');

    const fields: Array<{ name: string; label: string }> = [];
    for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')) {
      if (el instanceof HTMLInputElement && ['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
      const label =
        byIds(el.getAttribute('aria-labelledby')) ||
        (el.getAttribute('aria-label') ?? '').trim() ||
        [...(el.labels ?? [])]
          .map((l) => text(l))
          .join(' ')
          .trim();
      fields.push({ name: el.name || el.id, label });
      if (!label) problems.push(`form control ${el.name || el.id || el.tagName} has no associated label`);
    }
    const buttons: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      'button, input[type=submit], input[type=button], input[type=reset], [role=button]',
    )) {
      const name =
        byIds(el.getAttribute('aria-labelledby')) ||
        (el.getAttribute('aria-label') ?? '').trim() ||
        text(el) ||
        (el instanceof HTMLInputElement ? el.value.trim() : '') ||
        (el.getAttribute('title') ?? '').trim();
      buttons.push(name);
      if (!name) problems.push(`a button (${el.outerHTML.slice(0, 60)}) has no accessible name`);
    }
    // No external assets or targets: everything a page points at stays on 127.0.0.1.
    const pointers: Array<[string, string]> = [];
    for (const el of document.querySelectorAll('[src]')) pointers.push([el.tagName, (el as HTMLImageElement).src]);
    for (const el of document.querySelectorAll('link[href]')) pointers.push(['LINK', (el as HTMLLinkElement).href]);
    for (const el of document.querySelectorAll('form')) pointers.push(['FORM', el.action]);
    for (const [tag, url] of pointers)
      if (new URL(url, location.href).hostname !== '127.0.0.1') problems.push(`${tag} points off 127.0.0.1: ${url}`);
    if (document.querySelector('script')) problems.push('the page has a <script>');
    for (const el of document.querySelectorAll('style'))
      if (/@import|url\(/i.test(el.textContent ?? '')) problems.push('a <style> loads something (@import or url())');
    return { lang, title, h1, fields, buttons, problems };
  });

  // Visible focus: Tab through every focusable control; each must match :focus-visible and draw an outline.
  const focusable = await page
    .locator('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])')
    .count();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < focusable; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return undefined;
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      return {
        what: el.getAttribute('name') ?? el.tagName,
        visible: el.matches(':focus-visible') && (outline || style.boxShadow !== 'none'),
      };
    });
    if (!focus) report.problems.push(`Tab ${i + 1} of ${focusable} focused nothing`);
    else if (!focus.visible) report.problems.push(`no visible focus indicator on ${focus.what}`);
  }
  return report;
}

/** The CLI binary running in a child process: feed its stdin, wait on its stderr, always kill it. */
export interface CliRun {
  child: ChildProcess;
  /** Resolves with the exit (code, stdout, stderr); the child is killed after `timeoutMs`. */
  done: Promise<RunResult>;
  /** Resolves with the first match of `pattern` on stderr; rejects if the CLI exits first. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>;
  stderr(): string;
  /** Kills the child if it still runs (idempotent). */
  kill(): void;
}

/** Starts `tokensmith <argv>` as users run it, with stdin kept open and a hard time limit. */
export function startCli(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): CliRun {
  const child = spawnCli(argv, options);
  let stdout = '';
  let stderr = '';
  let exited = false;
  const watchers = new Set<() => void>();
  child.stdout.on('data', (c) => (stdout += String(c)));
  child.stderr.on('data', (c) => {
    stderr += String(c);
    for (const watch of [...watchers]) watch();
  });
  child.stdin.on('error', () => undefined); // writing after the child exited is not a test failure by itself
  const timer = setTimeout(() => {
    stderr += `\n[test] killed after ${options.timeoutMs} ms\n`;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      exited = true;
      clearTimeout(timer);
      for (const watch of [...watchers]) watch();
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  return {
    child,
    done,
    stderr: () => stderr,
    waitForStderr(pattern) {
      return new Promise((resolve, reject) => {
        const watch = () => {
          const match = pattern.exec(stderr);
          if (match) {
            watchers.delete(watch);
            resolve(match);
          } else if (exited) {
            watchers.delete(watch);
            reject(new Error(`the CLI exited before its stderr matched ${pattern}:\n${stderr}`));
          }
        };
        watchers.add(watch);
        watch();
      });
    },
    kill() {
      if (!exited && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
