import { OAuthResponseError, TokensmithError, parseOAuthError, readBodyText, type AuthenticatedFetchOptions } from '@tokensmith/core/kit';
import { CliError } from '../cli-error.js';
import { createProviderFetch } from '../api/provider-fetch.js';
import { TIMELINE_ADAPTERS, formatPosts, type Post } from './timeline-format.js';
import { DEFAULT_TIMELINE_MAX_BYTES, type ProviderConfig } from '../config/schema.js';
import type { BuiltProvider } from '../strategies/build-provider.js';
import { strategyAdapter } from '../strategies/index.js';
import type { Progress } from '../terminal/io.js';

/** Fetches a provider's timeline with its strategy's authentication and reads it into posts. */
export async function fetchTimeline(
  name: string,
  config: ProviderConfig,
  provider: BuiltProvider,
  query: { user?: string | undefined; count: number },
  progress: Progress,
  fetchOptions: AuthenticatedFetchOptions = {},
): Promise<Post[]> {
  if (!config.timeline)
    throw new CliError('usage', `providers.${name}.timeline is not set: add timeline.url (and format) to call a timeline`);
  const adapter = TIMELINE_ADAPTERS[config.timeline.format];
  const user = query.user ?? config.timeline.user;
  if (!user && strategyAdapter(config.strategy).appOnly) {
    throw new CliError('usage', `--user is required for app-only provider ${name} (or set providers.${name}.timeline.user)`);
  }
  const host = new URL(config.timeline.url).host;
  const maxBytes = config.timeline.maxResponseBytes ?? DEFAULT_TIMELINE_MAX_BYTES;
  // The body is read through the kit's cap, counted on the decompressed bytes (fetch inflates gzip
  // before the stream), so a gzip bomb or an endless stream stops at the cap instead of exhausting memory.
  const api = createProviderFetch(provider, { host, progress, timeoutMs: config.timeoutMs, fetchOptions });
  const get = async (url: string): Promise<unknown> => {
    const response = await api(url, { headers: { accept: 'application/json' } });
    let text: string;
    try {
      text = await readBodyText(response, { what: `timeline response from ${host}`, maxBytes, code: 'response_too_large' });
    } catch (error) {
      if (error instanceof TokensmithError && error.code === 'response_too_large') {
        throw new CliError(
          'provider',
          `the timeline response from ${host} is larger than ${maxBytes} bytes (after decompression); stopped reading it. If the provider really sends that much, raise providers.${name}.timeline.maxResponseBytes`,
        );
      }
      throw error;
    }
    if (response.status === 404) {
      const fields = parseOAuthError(response.status, text);
      throw new CliError(
        'usage',
        user
          ? `user @${user} not found at ${host} (HTTP 404 ${fields.error}); check the name given to --user${config.timeline?.user ? ` or providers.${name}.timeline.user` : ''}, and providers.${name}.timeline.url`
          : `the timeline at ${host} was not found (HTTP 404 ${fields.error}); check providers.${name}.timeline.url`,
      );
    }
    if (!response.ok)
      throw new OAuthResponseError(`timeline request to ${host}`, parseOAuthError(response.status, text), {
        operation: 'resource',
        endpoint: url,
      });
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
