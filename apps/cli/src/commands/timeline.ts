import { OAuthResponseError, TokensmithError, createAuthenticatedFetch, parseOAuthError, type AuthenticatedFetchOptions } from '@tokensmith/core/kit';
import { CliError } from '../cli-error.js';
import { TIMELINE_ADAPTERS, formatPosts, type Post } from '../timeline-format.js';
import type { ProviderConfig } from '../config-schema.js';
import type { BuiltProvider } from '../build-provider.js';
import type { Progress } from '../io.js';

/** Fetches a provider's timeline with its strategy's authentication and reads it into posts. */
export async function fetchTimeline(
  name: string,
  config: ProviderConfig,
  provider: BuiltProvider,
  query: { user?: string | undefined; count: number },
  progress: Progress,
  fetchOptions: AuthenticatedFetchOptions = {},
): Promise<Post[]> {
  if (!config.timeline) throw new CliError('usage', `providers.${name}.timeline is not set: add timeline.url (and format) to call a timeline`);
  const adapter = TIMELINE_ADAPTERS[config.timeline.format];
  const user = query.user ?? config.timeline.user;
  if (!user && config.strategy === 'client-credentials') {
    throw new CliError('usage', `--user is required for app-only provider ${name} (or set providers.${name}.timeline.user)`);
  }
  const host = new URL(config.timeline.url).host;
  const api = createAuthenticatedFetch(provider, {
    ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
    onRetry: (event) => {
      const wait = `${Math.ceil(event.delayMs / 100) / 10} s`;
      const why = { rate_limited: `rate limited by ${host}`, server_error: `${host} answered HTTP ${event.status}`, network_error: `connection to ${host} failed`, unauthorized: `${host} rejected the token` }[event.reason];
      progress.start(event.reason === 'unauthorized' ? `${why}; getting a fresh one` : `${why}; retrying in ${wait} (attempt ${event.attempt + 1})`);
    },
    ...fetchOptions,
  });
  const get = async (url: string): Promise<unknown> => {
    const response = await api(url, { headers: { accept: 'application/json' } });
    const text = await response.text();
    if (!response.ok) throw new OAuthResponseError(`timeline request to ${host}`, parseOAuthError(response.status, text));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CliError('provider', `timeline response from ${host} is not JSON (HTTP ${response.status})`);
    }
  };
  progress.start(`Fetching ${user ? `@${user}'s` : 'your'} timeline from ${host}`);
  let posts: Post[];
  try {
    posts = await adapter.fetchPosts(get, config.timeline.url, { user, count: query.count });
  } catch (error) {
    if (error instanceof CliError || error instanceof TokensmithError) throw error;
    throw new CliError('provider', `${(error as Error).message} (format ${config.timeline.format})`);
  }
  progress.succeed(`${posts.length} post${posts.length === 1 ? '' : 's'} from ${host}`);
  return posts;
}

export { formatPosts };
