import { definePreset } from './types.js';

/** Discord OAuth2. */
export const discord = definePreset({
  name: 'discord',
  title: 'Discord',
  docs: 'https://discord.com/developers/docs/topics/oauth2',
  checked: '2026-12-08',
  shared: { baseUrl: 'https://discord.com/api' },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://discord.com/oauth2/authorize',
      tokenUrl: 'https://discord.com/api/oauth2/token',
      revocationUrl: 'https://discord.com/api/oauth2/token/revoke',
      scopes: ['identify'],
    },
    'client-credentials': {
      tokenUrl: 'https://discord.com/api/oauth2/token',
      scope: 'identify',
      authMethod: 'basic',
    },
  },
  auth: { confidential: 'basic', public: 'none' },
});
