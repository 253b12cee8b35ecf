import type { TokensmithConfig } from '../config/schema.js';

/** The sandbox credentials the demo config uses (public, local-only values). */
export interface DemoCredentials {
  app: { clientId: string; clientSecret: string };
  oauth1: { consumerKey: string; consumerSecret: string };
  oauth2: { clientId: string };
  device: { clientId: string };
}

/**
 * The built-in config that points at a sandbox: one provider per strategy.
 * `tokensmith` uses it with an embedded sandbox when no config file is found (and opens the demo's
 * own token file whatever `store` says); `tokensmith sandbox` prints it with `store` naming a token
 * file of the sandbox's own (`file:/abs/path`), so demo tokens never mix with real ones.
 */
export function demoConfig(baseUrl: string, credentials: DemoCredentials, store = 'file'): TokensmithConfig {
  const at = (path: string) => new URL(path, baseUrl).href;
  // `tokensmith api sandbox-app /2/tweets/search/recent` resolves paths here.
  const api = { baseUrl: baseUrl.replace(/\/$/, '') };
  const timeline = { url: at('/1.1/statuses/user_timeline.json'), format: 'twitter-v1' as const };
  return {
    defaultProvider: 'sandbox-app',
    store,
    providers: {
      'sandbox-app': {
        strategy: 'client-credentials',
        ...api,
        tokenUrl: at('/oauth2/token'),
        clientId: credentials.app.clientId,
        clientSecret: credentials.app.clientSecret,
        timeline: { ...timeline, user: 'twitterapi' },
      },
      'sandbox-oauth1': {
        strategy: 'oauth1-pin',
        ...api,
        consumerKey: credentials.oauth1.consumerKey,
        consumerSecret: credentials.oauth1.consumerSecret,
        requestTokenUrl: at('/oauth/request_token'),
        authorizeUrl: at('/oauth/authorize'),
        accessTokenUrl: at('/oauth/access_token'),
        timeline,
      },
      'sandbox-oauth2': {
        strategy: 'authorization-code',
        ...api,
        issuer: baseUrl.replace(/\/$/, ''),
        clientId: credentials.oauth2.clientId,
        scopes: ['tweet.read', 'users.read', 'offline.access'],
        redirectUri: 'http://127.0.0.1/callback',
        timeline,
      },
      'sandbox-device': {
        strategy: 'device-code',
        ...api,
        issuer: baseUrl.replace(/\/$/, ''),
        clientId: credentials.device.clientId,
        scopes: ['tweet.read', 'users.read', 'offline.access'],
        timeline,
      },
    },
  };
}

/** The demo config as commented YAML, for `tokensmith sandbox`. */
export function demoConfigYaml(baseUrl: string, credentials: DemoCredentials, store = 'file'): string {
  const config = demoConfig(baseUrl, credentials, store);
  const lines = [
    '# tokensmith config for the sandbox running at ' + baseUrl,
    "# Written by `tokensmith sandbox --write tokensmith.config.yaml` (mode 600). These are the sandbox's",
    '# local demo credentials, not real secrets. Tokens go to a token file of their own (never your real',
    "# tokens.json); they last while this sandbox runs. For real providers, use 'store: auto'.",
    `defaultProvider: ${config.defaultProvider}`,
    `store: ${JSON.stringify(config.store)}`,
    'providers:',
  ];
  for (const [name, provider] of Object.entries(config.providers)) {
    lines.push(`  ${name}:`);
    for (const [key, value] of Object.entries(provider)) {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        lines.push(`    ${key}:`);
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) lines.push(`      ${k}: ${JSON.stringify(v)}`);
      } else lines.push(`    ${key}: ${JSON.stringify(value)}`);
    }
  }
  return lines.join('\n') + '\n';
}
