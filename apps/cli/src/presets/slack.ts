import { definePreset } from './types.js';

/** Slack apps, OAuth v2 (bot scopes). */
export const slack = definePreset({
  name: 'slack',
  title: 'Slack',
  docs: 'https://api.slack.com/authentication/oauth-v2',
  checked: '2026-12-08',
  shared: { baseUrl: 'https://slack.com/api' },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://slack.com/oauth/v2/authorize',
      tokenUrl: 'https://slack.com/api/oauth.v2.access',
      scopes: ['users:read'],
    },
  },
  auth: { confidential: 'post' },
  quirks: {
    noExpiry: true,
    notes: ['tokens do not expire unless token rotation is turned on for the app', 'auth.revoke is a Web API method, not RFC 7009'],
  },
});
