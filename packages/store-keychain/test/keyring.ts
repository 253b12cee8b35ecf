// The private gnome-keyring of this test run (started by test/global-setup.mjs; its bus address is
// in the environment, so the store and every child process reach it, never the user's own keyring).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyringTools } from '../src/testing/keyring-session.js';

/** secret-tool, SearchItems and Lock against the run's keyring. */
export const keyring = () => {
  const address = process.env.DBUS_SESSION_BUS_ADDRESS;
  if (!address)
    throw new Error('no DBUS_SESSION_BUS_ADDRESS: run these tests through jest.config.mjs (its global setup starts the keyring)');
  return keyringTools(address);
};

const dirs: string[] = [];
/** A fresh directory for lock files. */
export function lockDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokensmith-keychain-locks-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let services = 0;
/** A service name no other test uses (the keyring is shared by the whole run). */
export const uniqueService = () => `tokensmith-test-${process.pid}-${++services}`;
