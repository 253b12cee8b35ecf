import { definePreset } from './types.js';

/** GitHub OAuth apps: the device flow (the default, for a CLI) or the web flow. */
export const github = definePreset({
  name: 'github',
  title: 'GitHub',
  docs: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
  checked: '2026-12-08',
  shared: {
    baseUrl: 'https://api.github.com',
    gitHosts: ['github.com'],
    gitUsername: 'x-access-token',
  },
  strategies: {
    'device-code': {
      deviceAuthorizationUrl: 'https://github.com/login/device/code',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      scopes: ['read:user'],
    },
    'authorization-code': {
      authorizationUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      scopes: ['read:user'],
    },
  },
  auth: { confidential: 'post', public: 'none' },
  quirks: {
    acceptJson: true,
    notes: [
      'the device and token endpoints answer JSON only when sent Accept: application/json (tokensmith always sends it)',
      'OAuth app tokens do not expire unless the app opts in to expiring user tokens',
    ],
  },
});
