import { TokensmithError, readBodyText } from '@tokensmith/core/kit';
import type { RegisteredClient } from './registered-client.js';
import type { ClientRegistration, ForgetOutcome } from './registration-request.js';

/**
 * The path Mastodon registers apps at, for an instance whose metadata does not name it (before
 * Mastodon 4.3 there was no `app_registration_endpoint`).
 *
 * @example
 * ```ts
 * new URL(MASTODON_APPS_PATH, 'https://fosstodon.org').href; // 'https://fosstodon.org/api/v1/apps'
 * ```
 */
export const MASTODON_APPS_PATH = '/api/v1/apps';

/**
 * Which field a refused registration concerns, from Mastodon's 422 answer. Mastodon is not RFC
 * 7591: it answers `{"error": "Validation failed: Redirect URI must be ..."}` with no error code,
 * so the code (RFC 7591's, for one vocabulary across both kinds) comes from the field its sentence
 * starts with.
 */
function refusedField(sentence: string): { error: 'invalid_redirect_uri' | 'invalid_client_metadata'; field: string } {
  const text = sentence.replace(/^Validation failed:\s*/i, '').toLowerCase();
  if (text.startsWith('redirect uri')) return { error: 'invalid_redirect_uri', field: 'redirect_uris' };
  if (text.startsWith('scopes')) return { error: 'invalid_client_metadata', field: 'scopes' };
  if (text.startsWith('website')) return { error: 'invalid_client_metadata', field: 'website' };
  if (text.startsWith('application name')) return { error: 'invalid_client_metadata', field: 'client_name' };
  return { error: 'invalid_client_metadata', field: 'client metadata' };
}

const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}...` : text);

/**
 * Mastodon's `POST /api/v1/apps`: `client_name`, `redirect_uris` (one per line), `scopes` and
 * `website` as a form; it answers the app's `client_id` and `client_secret`. The app authenticates
 * with `client_secret_post` (Mastodon's OAuth server does not URL-decode HTTP Basic credentials).
 * Mastodon has no API to delete an app, so `forget` only forgets locally.
 *
 * @example
 * ```ts
 * const client = await mastodonAppRegistration('https://fosstodon.org/api/v1/apps').register(request);
 * client.authMethod; // 'post'
 * ```
 */
export function mastodonAppRegistration(endpoint: string): ClientRegistration {
  return {
    kind: 'mastodon',
    endpoint,
    async register(request): Promise<RegisteredClient> {
      const form = new URLSearchParams({
        client_name: request.clientName,
        redirect_uris: request.redirectUris.join('\n'),
        scopes: request.scopes.join(' '),
        ...(request.website ? { website: request.website } : {}),
      });
      let response: Response;
      try {
        response = await request.fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form,
          signal: AbortSignal.timeout(request.timeoutMs),
        });
      } catch (error) {
        if (error instanceof TokensmithError) throw error;
        const name = (error as { name?: unknown }).name;
        if (name === 'TimeoutError')
          throw new TokensmithError('timeout', 'client registration timed out', { operation: 'registration', endpoint });
        throw new TokensmithError('network_error', 'client registration failed: the server could not be reached', {
          operation: 'registration',
          endpoint,
          cause: error,
        });
      }
      const text = await readBodyText(response, { what: 'app registration response' });
      let body: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      if (response.status === 422 || response.status === 400) {
        const sentence = typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`;
        const { error, field } = refusedField(sentence);
        throw new TokensmithError('oauth_response', `the instance refused to register the app (${error}, ${field}): ${clip(sentence)}`, {
          operation: 'registration',
          endpoint,
          status: response.status,
          error,
        });
      }
      if (!response.ok)
        throw new TokensmithError(
          response.status >= 500 || response.status === 429 ? 'provider_error' : 'http_error',
          `client registration failed with HTTP ${response.status}`,
          {
            operation: 'registration',
            endpoint,
            status: response.status,
          },
        );
      const clientId = body?.client_id;
      const clientSecret = body?.client_secret;
      if (typeof clientId !== 'string' || clientId === '' || typeof clientSecret !== 'string' || clientSecret === '')
        throw new TokensmithError('http_error', 'the app registration response has no client_id and client_secret', {
          operation: 'registration',
          endpoint,
          status: response.status,
        });
      return {
        kind: 'mastodon',
        issuer: request.metadata.issuer,
        clientId,
        clientSecret,
        authMethod: 'post',
        redirectUris: request.redirectUris,
        registeredAt: request.now(),
      };
    },
    async forget(): Promise<ForgetOutcome> {
      return { deletion: 'unsupported' };
    },
  };
}
