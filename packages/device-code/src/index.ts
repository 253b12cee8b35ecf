export { createDeviceCodeProvider } from './device-code-provider.js';
export type { DeviceCodeProvider } from './device-code-provider.js';
export type { DeviceCodeOptions, DeviceCodeInfo, DeviceCodeProgress } from './device-code-options.js';
export {
  startSchedule,
  nextPoll,
  isExpired,
  DEFAULT_POLL_INTERVAL_SECONDS,
  SLOW_DOWN_STEP_SECONDS,
  MAX_DEVICE_CODE_LIFETIME_SECONDS,
  POLL_DRIFT_MARGIN_MS,
  MAX_RETRY_AFTER_SECONDS,
} from './poll-schedule.js';
export type { PollSchedule, PollOutcome } from './poll-schedule.js';
export { DEVICE_CODE_GRANT_TYPE } from './token-polling.js';
export type { ClientAuthMethod } from '@tokensmith/oauth2';
