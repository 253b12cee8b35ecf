import { definePreset } from './types.js';

/** Spotify Web API. */
export const spotify = definePreset({
  name: 'spotify',
  title: 'Spotify',
  docs: 'https://developer.spotify.com/documentation/web-api/concepts/authorization',
  checked: '2026-12-08',
  shared: { baseUrl: 'https://api.spotify.com/v1' },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://accounts.spotify.com/authorize',
      tokenUrl: 'https://accounts.spotify.com/api/token',
      scopes: ['user-read-private'],
    },
    'client-credentials': {
      tokenUrl: 'https://accounts.spotify.com/api/token',
      authMethod: 'basic',
    },
  },
  auth: { confidential: 'basic', public: 'none' },
  quirks: { notes: ['no RFC 7009 revocation endpoint: a person removes access in their account settings'] },
});
