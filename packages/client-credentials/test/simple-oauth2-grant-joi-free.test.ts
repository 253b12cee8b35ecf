import { createRequire } from 'node:module';
import { createClientCredentialsGrant } from '../src/simple-oauth2-grant.js';

// Its own test file, so that nothing else in this module registry has loaded Joi.
it("builds simple-oauth2's grant without loading Joi", async () => {
  const fromSimpleOAuth2 = createRequire(createRequire(import.meta.url).resolve('simple-oauth2'));
  const grant = await createClientCredentialsGrant({ client: { id: 'i', secret: 's' }, auth: { tokenHost: 'https://h.example' } });
  expect(typeof grant.getToken).toBe('function');
  const loaded = Object.keys(fromSimpleOAuth2.cache);
  // simple-oauth2's grant is CommonJS: what it loaded is in the require cache, and Joi is not.
  expect(loaded).toContain(fromSimpleOAuth2.resolve('./lib/client-credentials-grant-type.js'));
  expect(loaded).not.toContain(fromSimpleOAuth2.resolve('joi'));
});
