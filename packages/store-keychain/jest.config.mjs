import { jestConfig } from '../../jest.preset.mjs';

// A private gnome-keyring for the whole run, started before any test process exists: the native
// binding reads DBUS_SESSION_BUS_ADDRESS from the real environment, which jest's per-file
// `process.env` copy never reaches, so it must be set where the workers inherit it.
export default {
  ...jestConfig('store-keychain'),
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
};
