// simple-oauth2's own types are used inside function bodies only, never in an exported signature:
// they come from a devDependency, and the published .d.ts must not need them (see grant-types.ts).
import type { ModuleOptions } from 'simple-oauth2';
import type { ClientCredentialsGrant, GrantModuleOptions } from './grant-types.js';

/** simple-oauth2's options once its schema has filled in every default (what its grant and client read). */
export interface ResolvedModuleOptions {
  client: { id: string; secret: string; idParamName: string; secretParamName: string };
  auth: { tokenHost: string; tokenPath: string; refreshPath: string; revokePath: string };
  options: { scopeSeparator: string; credentialsEncodingMode: string; bodyFormat: string; authorizationMethod: string };
  http?: GrantModuleOptions['http'];
}

/**
 * The options simple-oauth2 5.x's own schema (`ClientCredentialsSchema` in its lib/config.js, a Joi
 * object) returns for `options`: the same values with its defaults filled in. It does not validate:
 * the strategy has already checked every value it puts in `options` (VSCHAR credentials, an
 * http(s) token URL), with messages that never quote a secret (Joi's do).
 * test/simple-oauth2-grant.test.ts holds the result equal to Joi's for every option the strategy sends.
 *
 * @example
 * ```ts
 * resolveModuleOptions({ client: { id, secret }, auth: { tokenHost: 'https://api.x.com', tokenPath: '/oauth2/token' } })
 *   .auth.refreshPath; // '/oauth2/token'
 * ```
 */
export function resolveModuleOptions(options: GrantModuleOptions): ResolvedModuleOptions {
  const { client, auth, options: settings, http } = options;
  const tokenPath = auth.tokenPath ?? '/oauth/token';
  return {
    client: {
      id: client.id,
      secret: client.secret,
      secretParamName: client.secretParamName ?? 'client_secret',
      idParamName: client.idParamName ?? 'client_id',
    },
    auth: {
      tokenHost: auth.tokenHost,
      tokenPath,
      refreshPath: auth.refreshPath ?? tokenPath,
      revokePath: auth.revokePath ?? '/oauth/revoke',
    },
    options: {
      scopeSeparator: settings?.scopeSeparator ?? ' ',
      credentialsEncodingMode: settings?.credentialsEncodingMode ?? 'strict',
      bodyFormat: settings?.bodyFormat ?? 'form',
      authorizationMethod: settings?.authorizationMethod ?? 'header',
    },
    ...(http ? { http } : {}),
  };
}

const isModuleNotFound = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND' ||
  (error as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND';

/**
 * simple-oauth2's client credentials grant for `options`, built from the library's own grant and
 * client modules, without its entry point. The entry point validates options with Joi, whose
 * ~480 KB cost a process ~50 ms to load, more than the rest of a token request; the grant, the
 * request it sends (wreck) and the token parsing are simple-oauth2's, unchanged. Should a
 * simple-oauth2 release move those modules, the entry point is used instead (slower, same result).
 *
 * @example
 * ```ts
 * const grant = await createClientCredentialsGrant({ client: { id, secret }, auth: { tokenHost, tokenPath } });
 * const { token } = await grant.getToken({});
 * ```
 */
export async function createClientCredentialsGrant(options: GrantModuleOptions): Promise<ClientCredentialsGrant> {
  try {
    const [{ default: ClientCredentialsGrantType }, { default: clientModule }] = await Promise.all([
      import('simple-oauth2/lib/client-credentials-grant-type.js'),
      import('simple-oauth2/lib/client/index.js'),
    ]);
    const config = resolveModuleOptions(options);
    return new ClientCredentialsGrantType(config, new clientModule.Client(config));
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    const { default: simpleOAuth2 } = await import('simple-oauth2');
    // `satisfies` and the annotation hold the package's own declarations to simple-oauth2's.
    const grant: ClientCredentialsGrant = new simpleOAuth2.ClientCredentials(options satisfies ModuleOptions<string>);
    return grant;
  }
}
