import * as oidc from 'openid-client';
import { TokensmithError } from '@tokensmith/core/kit';
import { customFetchOf, type ClientAuthMethod } from '../client-config.js';
import { toTokensmithError } from '../openid-errors.js';
import type { RegisteredClient } from './registered-client.js';
import type { ClientRegistration, ForgetOutcome, RegistrationRequest } from './registration-request.js';

const AUTH_METHODS: Record<string, ClientAuthMethod> = { none: 'none', client_secret_basic: 'basic', client_secret_post: 'post' };

/**
 * The client metadata sent (RFC 7591 2): a native app (RFC 8252) using the authorization code
 * grant with refresh, as a public client (RFC 8252 8.4: a secret in a CLI is not confidential)
 * unless the server supports no such thing.
 *
 * @example
 * ```ts
 * registrationMetadata(request).token_endpoint_auth_method; // 'none'
 * ```
 */
export function registrationMetadata(request: RegistrationRequest): Partial<oidc.ClientMetadata> {
  const supported = request.metadata.token_endpoint_auth_methods_supported;
  const authMethod =
    supported === undefined || supported.includes('none')
      ? 'none'
      : supported.includes('client_secret_basic')
        ? 'client_secret_basic'
        : 'client_secret_post';
  return {
    client_name: request.clientName,
    redirect_uris: request.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: authMethod,
    application_type: 'native',
    ...(request.scopes.length ? { scope: request.scopes.join(' ') } : {}),
    ...(request.website ? { client_uri: request.website } : {}),
  };
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * RFC 7591 dynamic client registration at the metadata's `registration_endpoint`, through
 * openid-client's `dynamicClientRegistration` (with the initial access token when given), and
 * RFC 7592 deletion at the client's `registration_client_uri`.
 *
 * @example
 * ```ts
 * const metadata = await discover(new URL(issuer), settings);
 * const registered = await rfc7591Registration(metadata.registration_endpoint!).register(request);
 * ```
 */
export function rfc7591Registration(endpoint: string): ClientRegistration {
  return {
    kind: 'rfc7591',
    endpoint,
    async register(request): Promise<RegisteredClient> {
      let configuration: oidc.Configuration;
      try {
        configuration = await oidc.dynamicClientRegistration(request.issuer, registrationMetadata(request), undefined, {
          algorithm: 'oauth2',
          timeout: request.timeoutMs / 1000,
          execute: request.issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
          [oidc.customFetch]: customFetchOf(request.fetch),
          ...(request.initialAccessToken === undefined ? {} : { initialAccessToken: request.initialAccessToken }),
        });
      } catch (error) {
        throw await toTokensmithError(error, 'client registration', endpoint);
      }
      const registered = configuration.clientMetadata();
      const method = optionalText(registered.token_endpoint_auth_method) ?? 'client_secret_basic';
      const authMethod = AUTH_METHODS[method];
      if (authMethod === undefined)
        throw new TokensmithError(
          'config_error',
          `the server registered the client with token_endpoint_auth_method ${method.slice(0, 40)}, which tokensmith does not support; register one by hand and set clientId`,
          { operation: 'registration', endpoint },
        );
      const clientSecret = optionalText(registered.client_secret);
      const redirectUris = Array.isArray(registered.redirect_uris) ? (registered.redirect_uris as string[]) : request.redirectUris;
      return {
        kind: 'rfc7591',
        issuer: request.metadata.issuer,
        clientId: registered.client_id,
        ...(clientSecret === undefined ? {} : { clientSecret }),
        authMethod: clientSecret === undefined ? 'none' : authMethod,
        redirectUris,
        registrationAccessToken: optionalText(registered.registration_access_token),
        registrationClientUri: optionalText(registered.registration_client_uri),
        registeredAt: request.now(),
      };
    },
    async forget(client, transport): Promise<ForgetOutcome> {
      if (!client.registrationClientUri || !client.registrationAccessToken) return { deletion: 'unsupported' };
      const target = new URL(client.registrationClientUri);
      const at = target.origin + target.pathname;
      try {
        const response = await transport.fetch(target, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${client.registrationAccessToken}` },
          signal: AbortSignal.timeout(transport.timeoutMs),
        });
        await response.body?.cancel();
        // RFC 7592 2.3: 204 when deleted; 401/403/404 mean the client is gone or no longer ours.
        if (response.status === 204 || response.status === 200) return { deletion: 'deleted', endpoint: at };
        return { deletion: 'failed', endpoint: at, reason: `HTTP ${response.status}` };
      } catch (error) {
        return { deletion: 'failed', endpoint: at, reason: (await toTokensmithError(error, 'client registration', at)).message };
      }
    },
  };
}
