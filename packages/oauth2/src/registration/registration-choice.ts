import type * as oidc from 'openid-client';
import { TokensmithError, requireEndpoint } from '@tokensmith/core/kit';
import { MASTODON_APPS_PATH, mastodonAppRegistration } from './mastodon-apps.js';
import type { RegistrationKind } from './registered-client.js';
import type { ClientRegistration } from './registration-request.js';
import { rfc7591Registration } from './rfc7591.js';

function endpointOf(metadata: oidc.ServerMetadata, field: string): string | undefined {
  const value = (metadata as unknown as Record<string, unknown>)[field];
  if (typeof value !== 'string' || value === '') return undefined;
  const label = `${field} (from discovery)`;
  return requireEndpoint({ [label]: value }, label).href;
}

/**
 * Decides how to register a client from the server's metadata: `app_registration_endpoint` means
 * Mastodon's `/api/v1/apps`; `registration_endpoint` means RFC 7591. A server known to be a
 * Mastodon instance (`assume: 'mastodon'`, e.g. `--instance`) whose metadata names neither gets
 * `/api/v1/apps` on the issuer. Undefined when the server offers no registration.
 *
 * @example
 * ```ts
 * registrationFor({ issuer: 'https://fosstodon.org', app_registration_endpoint: 'https://fosstodon.org/api/v1/apps' })?.kind; // 'mastodon'
 * ```
 */
export function registrationFor(
  metadata: oidc.ServerMetadata,
  options: { assume?: RegistrationKind } = {},
): ClientRegistration | undefined {
  const mastodon = endpointOf(metadata, 'app_registration_endpoint');
  if (mastodon) return mastodonAppRegistration(mastodon);
  const rfc7591 = endpointOf(metadata, 'registration_endpoint');
  if (rfc7591) return rfc7591Registration(rfc7591);
  if (options.assume === 'mastodon') return mastodonAppRegistration(new URL(MASTODON_APPS_PATH, metadata.issuer).href);
  return undefined;
}

/**
 * The registration a stored client was made with, to forget it (RFC 7592 delete, or nothing for Mastodon).
 *
 * @example
 * ```ts
 * await registrationOfKind(client.kind, client.registrationClientUri ?? client.issuer).forget(client, transport);
 * ```
 */
export function registrationOfKind(kind: RegistrationKind, endpoint: string): ClientRegistration {
  return kind === 'mastodon' ? mastodonAppRegistration(endpoint) : rfc7591Registration(endpoint);
}

/**
 * The error for a server that offers no registration when no client id is configured: it names
 * both ways out (a client id registered by hand, or a server that supports registration).
 *
 * @example
 * ```ts
 * throw noRegistrationError('https://auth.example.com');
 * ```
 */
export function noRegistrationError(issuer: string): TokensmithError {
  return new TokensmithError(
    'config_error',
    `no clientId is configured and ${issuer} offers no client registration (its metadata has neither registration_endpoint nor app_registration_endpoint): register an app with the provider and set clientId (and clientSecret), or use a server that supports registration`,
    { operation: 'registration', endpoint: issuer, error: 'registration_unsupported' },
  );
}
