import simpleOAuth2 from 'simple-oauth2';
import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
import { DEMO_CREDENTIALS, type Sandbox } from '@tokensmith/sandbox';
import { latency, type Summary } from '../stats.js';

/** Cached `getToken()` against simple-oauth2's own cached-token check (`expired()` then reuse). */
export async function cachedTokenLatency(sandbox: Sandbox): Promise<{ ours: Summary; raw: Summary }> {
  const provider = createClientCredentialsProvider({ tokenUrl: sandbox.endpoints.tokenUrl, ...DEMO_CREDENTIALS.app });
  await provider.getToken();
  const url = new URL(sandbox.endpoints.tokenUrl);
  const client = new simpleOAuth2.ClientCredentials({
    client: { id: DEMO_CREDENTIALS.app.clientId, secret: DEMO_CREDENTIALS.app.clientSecret },
    auth: { tokenHost: url.origin, tokenPath: url.pathname },
  });
  let token = client.createToken({ ...(await client.getToken({})).token, expires_in: 3600 });
  const rawCached = async () => {
    if (token.expired(30)) token = await client.getToken({});
    return token.token;
  };
  const ours = await latency(() => provider.getToken());
  const raw = await latency(rawCached);
  return { ours, raw };
}
