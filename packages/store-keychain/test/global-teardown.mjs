// Stops the private keyring the global setup started.
export default async function globalTeardown() {
  await globalThis.__tokensmithKeyring?.stop();
}
