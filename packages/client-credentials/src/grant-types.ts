// The few simple-oauth2 shapes this package's code passes around, declared here rather than
// imported: simple-oauth2's types come from @types/simple-oauth2, a devDependency, so a published
// .d.ts that imported them would fail a user's tsc (skipLibCheck: false) with TS7016. The
// compile-time check that these still fit simple-oauth2's own types is in simple-oauth2-grant.ts.

/**
 * The options given to simple-oauth2 for one client: the part of its `ModuleOptions` the strategy sends.
 *
 * @example
 * ```ts
 * const options: GrantModuleOptions = { client: { id: 'key', secret: 'secret' }, auth: { tokenHost: 'https://api.x.com', tokenPath: '/oauth2/token' } };
 * ```
 */
export interface GrantModuleOptions {
  client: { id: string; secret: string; idParamName?: string; secretParamName?: string };
  auth: { tokenHost: string; tokenPath?: string; refreshPath?: string; revokePath?: string };
  options?: {
    scopeSeparator?: string;
    credentialsEncodingMode?: 'strict' | 'loose';
    bodyFormat?: 'form' | 'json';
    authorizationMethod?: 'header' | 'body';
  };
  /** wreck's request options (json mode, body cap, redirects, agents), handed through as they are. */
  http?: Record<string, unknown>;
}

/**
 * simple-oauth2's client credentials grant, as far as the strategy uses it: one token request.
 *
 * @example
 * ```ts
 * declare const grant: ClientCredentialsGrant;
 * const { token } = await grant.getToken({ scope: 'read' });
 * ```
 */
export interface ClientCredentialsGrant {
  /** `params` beyond `scope` go into the form as they are (a JWT client's `client_assertion`). */
  getToken(
    params: { scope?: string | string[]; [param: string]: string | string[] | undefined },
    httpOptions?: { headers?: Record<string, string> },
  ): Promise<{ token: Record<string, unknown> }>;
}
