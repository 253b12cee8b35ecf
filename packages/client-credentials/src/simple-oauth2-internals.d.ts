// The two simple-oauth2 5.x modules simple-oauth2-grant.ts loads directly (the package ships
// types for its entry point only, through @types/simple-oauth2). Not part of the published types.
declare module 'simple-oauth2/lib/client-credentials-grant-type.js' {
  // The shape of grant-types.ts's ClientCredentialsGrant (an ambient module cannot import a relative path).
  const ClientCredentialsGrantType: new (
    config: object,
    client: object,
  ) => { getToken(params: { scope?: string | string[] }): Promise<{ token: Record<string, unknown> }> };
  export default ClientCredentialsGrantType;
}
declare module 'simple-oauth2/lib/client/index.js' {
  const clientModule: { Client: new (config: object) => object };
  export default clientModule;
}
