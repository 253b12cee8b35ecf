// What validating a config needs, in one lazily loaded module: valibot's safeParse imported by name
// (a static import, so the bundler keeps only the valibot functions the schema uses; the former
// `await import('valibot')` kept the whole library, ~180 KB parsed on every config read).
export { safeParse } from 'valibot';
export { configSchema, providerVariant, PROVIDER_NAME } from './schema.js';
