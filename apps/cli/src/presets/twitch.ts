import { definePreset } from './types.js';

/** Twitch (Helix API). */
export const twitch = definePreset({
  name: 'twitch',
  title: 'Twitch',
  docs: 'https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/',
  checked: '2026-12-08',
  shared: { baseUrl: 'https://api.twitch.tv/helix' },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://id.twitch.tv/oauth2/authorize',
      tokenUrl: 'https://id.twitch.tv/oauth2/token',
      revocationUrl: 'https://id.twitch.tv/oauth2/revoke',
      scopes: ['user:read:email'],
    },
    'device-code': {
      deviceAuthorizationUrl: 'https://id.twitch.tv/oauth2/device',
      tokenUrl: 'https://id.twitch.tv/oauth2/token',
      revocationUrl: 'https://id.twitch.tv/oauth2/revoke',
      scopes: ['user:read:email'],
    },
    'client-credentials': {
      tokenUrl: 'https://id.twitch.tv/oauth2/token',
      authMethod: 'post',
    },
  },
  auth: { confidential: 'post', public: 'none' },
  quirks: { notes: ['client_id and client_secret go in the request body', 'Helix calls also need the Client-Id header'] },
});
