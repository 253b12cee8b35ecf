// Starts the private keyring (built package: build this package first) and exports its bus address.
import { startKeyringSession } from '../dist/testing/keyring-session.js';

export default async function globalSetup() {
  const keyring = await startKeyringSession();
  globalThis.__tokensmithKeyring = keyring;
  Object.assign(process.env, keyring.env);
}
