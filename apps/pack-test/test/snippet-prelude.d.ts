// The free names README snippets and TSDoc examples use, declared once. The values a reader's
// program would have are declared with their real types, so a snippet that passes them wrongly
// fails; the long tail of fragment context (a request handler's `req`/`res`, a module's private
// state) is `any`: the snippet's calls into the packages are still checked.
// (Not part of this workspace's own program: tsconfig.json excludes it; snippets.test.ts copies it.)

declare const store: import('@tokensmith/core').TokenStore;
declare const provider: import('@tokensmith/core').ManagedTokenProvider;
declare const signal: AbortSignal;
declare const key: string;
declare const url: URL;
declare const tokenUrl: string;
declare const authorizeUrl: string;
declare const requestTokenUrl: string;
declare const accessTokenUrl: string;
declare const invalidateUrl: string;
declare const redirectUri: string;
declare const callbackUrl: string;
declare const issuer: string;
declare const tokenHost: string;
declare const tokenPath: string;
declare const clientId: string;
declare const clientSecret: string;
declare const consumerKey: string;
declare const consumerSecret: string;
declare const token: string;
declare const tokenSecret: string;
declare const oauthToken: string;
declare const accessToken: string;
declare const refreshToken: string;
declare const secret: string;
declare const id: string;
declare const pin: string;
declare const nonce: string;
declare const pendingPath: string;
declare const path: string;
declare const baseString: string;
declare const scopes: string[];
declare const timeoutMs: number;
declare const now: () => number;
declare const sandbox: import('@tokensmith/sandbox').Sandbox;
declare const current: import('@tokensmith/core').OAuth2Credentials;
declare const refresh: import('@tokensmith/core').OAuth2Credentials;
declare const fresh: import('@tokensmith/core').OAuth2Credentials;
declare const drop: () => Promise<void>;
declare const loginCommand: string;

// Fragment context: what the surrounding code of an example has in scope.
declare const options: any, settings: any, config: any, client: any, context: any, session: any, server: any, state: any;
declare const req: any, res: any, request: any, log: any, body: any, form: any, params: any, raw: any, input: any, info: any;
declare const pending: any, grants: any, grant: any, grantId: any, found: any, presented: any, principal: any, requestId: any;
declare const app: any, base: any, clock: any, error: any, entry: any, endpoints: any, progress: any, tokens: any;
declare const user: any,
  fixture: (name: string) => string,
  spinner: { text: string },
  tweets: any,
  text: any,
  transport: any,
  authorization: any,
  authenticityToken: any,
  formToken: any;
declare const authTime: any, sharedRequest: any, sessions: any, returnedState: any, tmp: () => string;
// Assigned by the examples that use them.
declare let response: any, schedule: any, clock: any;
declare const verification_uri_complete: any, simpleOAuth2: any, oauth2Url: string;
// Functions an example calls that its own code would define.
declare const doWork: () => Promise<void>,
  fetchIt: () => Promise<string>,
  run: (...args: any[]) => Promise<void>,
  obtain: () => Promise<any>;
declare const openBrowser: (url: string) => Promise<void>, showToPerson: (text: string) => void, saveForLater: (state: unknown) => void;
declare const readPin: () => Promise<string>, promptPin: () => Promise<string>, promptRedirect: () => Promise<string>;
declare const onCode: (code: string) => void, retryLater: () => void, buildUrl: (...args: any[]) => string, getToken: () => Promise<any>;
declare const invalidate: () => Promise<void>, authorize: (...args: any[]) => any, pollForApproval: (...args: any[]) => any;
declare const requestDeviceAuthorization: (...args: any[]) => any, deviceEntryPage: (...args: any[]) => string;
declare const consentHtml: string, createWreckTransport: (...args: any[]) => any;
