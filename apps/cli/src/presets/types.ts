import type { StrategyName } from '../strategies/index.js';

// What a preset is: data about one provider, checked against its documentation on a date. No code
// runs from a preset; config/preset-merge.ts fills a provider's settings from it before validation.

/**
 * A provider field a preset's URLs are templated with (`https://{instance}/oauth/token`). `instance`
 * and `domain` choose the host (so the config's value needs trust like any URL, see config/trust.ts);
 * `tenant` and `realm` only a path segment.
 */
export type TemplateParam = 'instance' | 'tenant' | 'domain' | 'realm';

/** The template params that name a host, not a path segment. */
export const HOST_PARAMS: readonly TemplateParam[] = ['instance', 'domain'];

/** Every template param, in the order messages list them. */
export const TEMPLATE_PARAMS: readonly TemplateParam[] = ['instance', 'domain', 'tenant', 'realm'];

/** A template param a preset takes: what it is, an example, and a default when the provider has one. */
export interface PresetParam {
  /** One line: what to write (`the Mastodon server's host name, e.g. fosstodon.org`). */
  describe: string;
  /** The value `init --preset` writes as an example. */
  example: string;
  /** Used when the provider does not set it (gitlab's `gitlab.com`, microsoft's `common`). */
  default?: string;
}

/** The settings a preset fills (any provider field; strings may hold `{param}` templates). */
export type PresetFields = Record<string, unknown>;

/**
 * How the client authenticates at the token endpoint, decided by whether the config gives a
 * `clientSecret` (X: Basic for confidential clients, none for public ones; Mastodon: the body).
 */
export interface PresetAuth {
  confidential: 'basic' | 'post';
  /** `none` when the provider takes public clients (PKCE, no secret); absent when a secret is required. */
  public?: 'none';
}

/** Provider behaviour the CLI must honour, each from the provider's documentation. */
export interface PresetQuirks {
  /**
   * `single-use`: each refresh returns a new refresh token and the old one is spent (X); a refresh
   * response without one must not carry the spent token forward. `none`: no refresh token is issued.
   */
  refreshTokens?: 'single-use' | 'reusable' | 'none';
  /** The token response has no `expires_in`: the token lasts until revoked (it is kept until a 401). */
  noExpiry?: boolean;
  /** The token and device endpoints answer form-encoded unless sent `Accept: application/json` (GitHub). */
  acceptJson?: boolean;
  /** What the preset's notes say, for `presets NAME` (one line each). */
  notes?: readonly string[];
}

/** One provider preset. */
export interface Preset {
  /** The `preset:` value. */
  name: string;
  /** The provider's name for people. */
  title: string;
  /** The documentation page the endpoints were checked against. */
  docs: string;
  /** The date (YYYY-MM-DD) the endpoints were checked against {@link docs}. */
  checked: string;
  /** Template params its URLs use. */
  params?: Partial<Record<TemplateParam, PresetParam>>;
  /** Settings every strategy of the preset takes (baseUrl, timeline, gitHosts). */
  shared?: PresetFields;
  /** The strategies it offers, each with its own settings; the first is the default. */
  strategies: Partial<Record<StrategyName, PresetFields>>;
  /** Client authentication for the OAuth 2 user strategies (client credentials set `authMethod` in its fields). */
  auth?: PresetAuth;
  /**
   * Where an app is registered when the provider names no `clientId` (templated): the issuer whose
   * metadata names the registration endpoint (Mastodon's `app_registration_endpoint`, or RFC 7591's
   * `registration_endpoint`). The registration then decides the client authentication.
   */
  registersAt?: string;
  quirks?: PresetQuirks;
  /**
   * The OIDC / RFC 8414 metadata document, templated, where the provider publishes one: the test
   * compares the preset's endpoints with a recorded copy (test/fixtures/discovery/NAME.json).
   */
  discovery?: string;
}

/**
 * Declares a preset (the type checks it; the value is the data as written).
 *
 * @example
 * ```ts
 * const example = definePreset({
 *   name: 'example',
 *   title: 'Example',
 *   docs: 'https://example.com/docs/oauth',
 *   checked: '2026-12-08',
 *   strategies: { 'client-credentials': { tokenUrl: 'https://example.com/oauth/token' } },
 * });
 * ```
 */
export function definePreset(preset: Preset): Preset {
  return preset;
}
