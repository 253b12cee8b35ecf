import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import type { StrategyName } from '../config/schema.js';
import { userConfigPath } from '../config/locate.js';
import { pathKind, writeFileAtomic } from '../files/safe-write.js';
import { storeHelpLines } from '../stores/index.js';

const HEADER = `# tokensmith config. Docs: README.md, "Config file".
# Keep secrets out of this file: write \${ENV_NAME} and export the variable.
# Token store:
${storeHelpLines().join('\n')}
store: auto
`;

const STARTERS: Record<StrategyName, string> = {
  'client-credentials': `defaultProvider: twitter
providers:
  twitter:
    # App-only bearer token (OAuth 2 client credentials): no user, no browser.
    strategy: client-credentials
    tokenUrl: https://api.twitter.com/oauth2/token
    clientId: \${TWITTER_API_KEY}          # export TWITTER_API_KEY=...
    clientSecret: \${TWITTER_API_SECRET}   # export TWITTER_API_SECRET=...
    # authMethod: basic                    # basic (default) | body
    # invalidateUrl: https://api.twitter.com/oauth2/invalidate_token   # logout invalidates the token there
    # refreshSkewSeconds: 30               # renew this long before expiry
    timeline:
      url: https://api.twitter.com/1.1/statuses/user_timeline.json
      format: twitter-v1
      user: twitterapi                     # app-only calls need a user; --user overrides
`,
  'oauth1-pin': `defaultProvider: twitter-user
providers:
  twitter-user:
    # OAuth 1.0a PIN flow: tokensmith login twitter-user opens the browser, you type the PIN.
    strategy: oauth1-pin
    consumerKey: \${TWITTER_API_KEY}
    consumerSecret: \${TWITTER_API_SECRET}
    requestTokenUrl: https://api.twitter.com/oauth/request_token
    authorizeUrl: https://api.twitter.com/oauth/authorize
    accessTokenUrl: https://api.twitter.com/oauth/access_token
    timeline:
      url: https://api.twitter.com/1.1/statuses/user_timeline.json
      format: twitter-v1
`,
  'authorization-code': `defaultProvider: mastodon
providers:
  mastodon:
    # OAuth 2 authorization code + PKCE: tokensmith login mastodon opens the browser and
    # catches the redirect on 127.0.0.1. Register the redirectUri below with the provider.
    strategy: authorization-code
    issuer: https://mastodon.example       # OIDC/OAuth discovery; or set authorizationUrl + tokenUrl
    # authorizationUrl: https://mastodon.example/oauth/authorize
    # tokenUrl: https://mastodon.example/oauth/token
    # revocationUrl: https://mastodon.example/oauth/revoke
    clientId: \${MASTODON_CLIENT_ID}
    # clientSecret: \${MASTODON_CLIENT_SECRET}   # omit for a public client
    # authMethod: basic                        # basic | post | none (public client)
    scopes: [read]
    # authorizationParams: { prompt: consent }  # extra authorize parameters: prompt, audience, resource, login_hint
    redirectUri: http://127.0.0.1:8765/callback
    timeline:
      url: https://mastodon.example
      format: mastodon
`,
  'device-code': `defaultProvider: github
providers:
  github:
    # OAuth 2 device authorization grant (RFC 8628): tokensmith login github prints a code and a
    # URL to open on any device (a phone, another computer); no browser needed on this machine.
    strategy: device-code
    deviceAuthorizationUrl: https://github.com/login/device/code
    tokenUrl: https://github.com/login/oauth/access_token
    # issuer: https://id.example.com        # or OIDC/OAuth discovery instead of the two URLs above
    clientId: \${GITHUB_CLIENT_ID}         # export GITHUB_CLIENT_ID=...
    # clientSecret: \${GITHUB_CLIENT_SECRET} # omit for a public client
    # authMethod: none                      # basic | post | none
    scopes: [read:user]
    # authorizationParams: { audience: https://api.example.com }
    # refreshSkewSeconds: 30                # renew this long before expiry
    # timeoutMs: 30000                      # one request's deadline
`,
};

/** The starter config text for a strategy. */
export function starterConfig(strategy: StrategyName): string {
  return HEADER + STARTERS[strategy];
}

/** The starter config for a strategy named on the command line, or a usage error naming the valid ones. */
export function starterText(strategy: string): string {
  if (!Object.hasOwn(STARTERS, strategy)) throw new CliError('usage', `--strategy must be one of ${Object.keys(STARTERS).join(', ')}`);
  return starterConfig(strategy as StrategyName);
}

/** Where `init` wrote, and the mode the file really has. */
export interface WrittenConfig {
  path: string;
  mode: number;
}

/**
 * Writes a starter config with mode 0600, via a temp file renamed into place: never through a
 * symbolic link (a dangling one included), never keeping an old file's looser mode. Refuses to
 * overwrite without `force`. `global` writes the user-level `$XDG_CONFIG_HOME/tokensmith/config.yaml`.
 */
export function writeStarterConfig(
  cwd: string,
  strategy: string,
  options: { path?: string; force?: boolean; global?: boolean; env?: NodeJS.ProcessEnv },
): WrittenConfig {
  const text = starterText(strategy);
  const path = options.global ? userConfigPath(options.env ?? {}) : resolve(cwd, options.path ?? 'tokensmith.config.yaml');
  const kind = pathKind(path);
  if (kind === 'symlink')
    throw new CliError(
      'usage',
      `${path} is a symbolic link; tokensmith init never writes through links. Remove the link, or write elsewhere with --output PATH`,
    );
  if (kind === 'other') throw new CliError('usage', `${path} exists and is not a regular file; choose another --output PATH`);
  if (kind === 'file' && !options.force) throw new CliError('usage', `${path} already exists; pass --force to overwrite it`);
  if (options.global) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const mode = writeFileAtomic(path, text, 0o600);
  return { path, mode };
}
