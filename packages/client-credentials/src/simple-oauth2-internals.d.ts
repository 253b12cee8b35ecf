// The two simple-oauth2 5.x modules simple-oauth2-grant.ts loads directly (the package ships
// types for its entry point only, through @types/simple-oauth2). Not part of the published types.
declare module 'simple-oauth2/lib/client-credentials-grant-type.js' {
  import type { ClientCredentials } from 'simple-oauth2';
  const ClientCredentialsGrantType: new (config: object, client: object) => ClientCredentials;
  export default ClientCredentialsGrantType;
}
declare module 'simple-oauth2/lib/client/index.js' {
  const clientModule: { Client: new (config: object) => object };
  export default clientModule;
}
