export { run, buildProgram, VERSION } from './program.js';
export { parseConfig, loadConfig, CONFIG_FILE_NAMES } from './config/load.js';
export { substituteEnv } from './config/env.js';
export { configSchema } from './config/schema.js';
export type { TokensmithConfig, ProviderConfig } from './config/schema.js';
export { EXIT, exitCodeFor } from './cli-error.js';
