// Shared Jest set-up for every workspace: TypeScript through ts-jest's ESM preset
// (openid-client v6 and jose are ESM-only), run under `node --experimental-vm-modules`.
import { fileURLToPath } from 'node:url';

const summaryReporter = fileURLToPath(new URL('./scripts/summary-reporter.mjs', import.meta.url));

/** @param {string} displayName @returns {import('jest').Config} */
export function jestConfig(displayName) {
  return {
    displayName,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    roots: ['<rootDir>/test', '<rootDir>/src'],
    testMatch: ['**/*.test.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: {
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
    },
    reporters: ['default', summaryReporter],
    // A bound, not a timing assertion: CI shares 2 cores between turbo tasks, servers and child processes.
    testTimeout: 60_000,
    errorOnDeprecated: true,
  };
}
