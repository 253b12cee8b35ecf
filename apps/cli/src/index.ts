export { run, buildProgram, VERSION } from './program.js';
export { parseConfig, loadConfig, substituteEnv, CONFIG_FILE_NAMES } from './config-load.js';
export { configSchema } from './config-schema.js';
export type { TokensmithConfig, ProviderConfig } from './config-schema.js';
export { EXIT, exitCodeFor } from './cli-error.js';
