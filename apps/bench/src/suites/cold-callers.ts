import simpleOAuth2 from 'simple-oauth2';
import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
import { DEMO_CREDENTIALS, type Sandbox } from '@tokensmith/sandbox';

/** Token requests reaching the sandbox when 1,000 callers ask for a token at once, cold. */
export async function coldCallers(
  sandbox: Sandbox,
  callers = 1_000,
): Promise<{ ours: number; raw: number; oursMs: number; rawMs: number }> {
  const before = sandbox.stats.tokenRequests;
  const provider = createClientCredentialsProvider({ tokenUrl: sandbox.endpoints.tokenUrl, ...DEMO_CREDENTIALS.app });
  let start = performance.now();
  await Promise.all(Array.from({ length: callers }, () => provider.getToken()));
  const oursMs = performance.now() - start;
  const ours = sandbox.stats.tokenRequests - before;

  const url = new URL(sandbox.endpoints.tokenUrl);
  const client = new simpleOAuth2.ClientCredentials({
    client: { id: DEMO_CREDENTIALS.app.clientId, secret: DEMO_CREDENTIALS.app.clientSecret },
    auth: { tokenHost: url.origin, tokenPath: url.pathname },
  });
  const mid = sandbox.stats.tokenRequests;
  start = performance.now();
  await Promise.all(Array.from({ length: callers }, () => client.getToken({})));
  const rawMs = performance.now() - start;
  return { ours, raw: sandbox.stats.tokenRequests - mid, oursMs, rawMs };
}
