import { definePreset } from './types.js';

/** GitLab, gitlab.com or any self-managed instance. */
export const gitlab = definePreset({
  name: 'gitlab',
  title: 'GitLab (any instance)',
  docs: 'https://docs.gitlab.com/api/oauth2/',
  checked: '2026-12-08',
  params: { instance: { describe: 'the GitLab host name', example: 'gitlab.com', default: 'gitlab.com' } },
  shared: {
    // Each refresh revokes the refresh token sent and returns a new one: a spent one is never kept.
    singleUseRefreshTokens: true,
    baseUrl: 'https://{instance}/api/v4',
    gitHosts: ['{instance}'],
    gitUsername: 'oauth2',
  },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://{instance}/oauth/authorize',
      tokenUrl: 'https://{instance}/oauth/token',
      revocationUrl: 'https://{instance}/oauth/revoke',
      scopes: ['read_user'],
    },
    'device-code': {
      deviceAuthorizationUrl: 'https://{instance}/oauth/authorize_device',
      tokenUrl: 'https://{instance}/oauth/token',
      revocationUrl: 'https://{instance}/oauth/revoke',
      scopes: ['read_user'],
    },
  },
  auth: { confidential: 'basic', public: 'none' },
  quirks: { refreshTokens: 'single-use', notes: ['each refresh returns a new refresh token and revokes the old one'] },
  discovery: 'https://{instance}/.well-known/openid-configuration',
});
