import type * as oidc from 'openid-client';
import type { RegisteredClient, RegistrationKind } from './registered-client.js';

/**
 * What a registration sends and how: the server (its issuer and metadata), the client's metadata,
 * and the transport (an already capped fetch, the timeout, the clock).
 *
 * @example
 * ```ts
 * const metadata = await discover(new URL('https://fosstodon.org'), settings);
 * const request: RegistrationRequest = {
 *   issuer: new URL('https://fosstodon.org'), metadata, clientName: 'tokensmith',
 *   redirectUris: ['http://127.0.0.1/callback'], scopes: ['read'], fetch, timeoutMs: 30_000, now: Date.now,
 * };
 * ```
 */
export interface RegistrationRequest {
  issuer: URL;
  /** The server's metadata, from discovery. */
  metadata: oidc.ServerMetadata;
  /** `client_name`: what the consent page shows. */
  clientName: string;
  redirectUris: string[];
  scopes: string[];
  /** Mastodon's `website` / RFC 7591 `client_uri`. */
  website?: string | undefined;
  /** RFC 7591 3: the initial access token some servers require to register. */
  initialAccessToken?: string | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
}

/** What {@link ClientRegistration.forget} did at the server. */
export type ForgetOutcome =
  { deletion: 'deleted'; endpoint: string } | { deletion: 'unsupported' } | { deletion: 'failed'; endpoint: string; reason: string };

/**
 * One way of registering a client, chosen from the server's metadata (see `registrationFor`):
 * each kind is its own module behind this interface.
 *
 * @example
 * ```ts
 * const metadata = await discover(new URL('https://fosstodon.org'), settings);
 * const registration = registrationFor(metadata, {});
 * const client = await registration!.register(request);
 * ```
 */
export interface ClientRegistration {
  kind: RegistrationKind;
  /** The endpoint registrations are sent to. */
  endpoint: string;
  register(request: RegistrationRequest): Promise<RegisteredClient>;
  /** Deletes the client at the server where it can be (RFC 7592); never throws for a refusal. */
  forget(client: RegisteredClient, transport: Pick<RegistrationRequest, 'fetch' | 'timeoutMs'>): Promise<ForgetOutcome>;
}
