// Accounts in process: names from identities, which account a command uses (accounts/slots.ts), the store wrappers and the accounts file.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, type Credentials } from '@tokensmith/core';
import { accountNameProblem, identityOf, isAccountName } from '../src/accounts/account-name.js';
import { loginStore, storeForAccount, type LoginTarget } from '../src/accounts/account-store.js';
import { accountsFilePath, defaultAccount, setDefaultAccount } from '../src/accounts/defaults.js';
import { UNNAMED_ACCOUNT, accountKey, accountSlots, chooseAccount, type AccountSlot } from '../src/accounts/slots.js';

const oauth1 = (screenName?: string): Credentials => ({
  type: 'oauth1',
  token: 't',
  tokenSecret: 's',
  ...(screenName ? { extra: { screen_name: screenName } } : {}),
});
const idToken = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const bearer = (claims?: Record<string, unknown>): Credentials => ({
  type: 'bearer',
  accessToken: 'a',
  ...(claims ? { idToken: idToken(claims) } : {}),
});
const KEY = 'v2:oauth1-pin:ck@host:0123';

describe('account names', () => {
  it('takes screen_name, preferred_username, username, sub in that order, skipping a name that is not plain', () => {
    expect(identityOf(oauth1('twitterapi'))).toBe('twitterapi');
    expect(identityOf(bearer({ sub: '42', username: 'u', preferred_username: 'ada' }))).toBe('ada');
    expect(identityOf(bearer({ sub: '42', username: 'u' }))).toBe('u');
    expect(identityOf(bearer({ sub: '42', preferred_username: 'has space' }))).toBe('42');
    expect(identityOf(bearer())).toBeUndefined();
    expect(identityOf({ type: 'bearer', accessToken: 'a', idToken: 'not-a-jwt' })).toBeUndefined();
    expect(identityOf(oauth1())).toBeUndefined();
  });

  it('accepts plain names only, and says which setting is wrong', () => {
    for (const good of ['ada', 'ada.lovelace', 'bot-7', 'me@example.com', 'x+y']) expect(isAccountName(good)).toBe(true);
    for (const bad of ['', '.hidden', '../etc', 'a b', 'a#b', 'x'.repeat(101), 'é']) expect(isAccountName(bad)).toBe(false);
    expect(accountNameProblem('a b', '--account')).toMatch(/^--account must be a letter or digit/);
  });
});

describe('account slots', () => {
  const entries = (list: Array<[string, Credentials]>) => list.map(([key, credentials]) => ({ key, credentials }));

  it("lists a provider's named accounts and its bare entry, named after its identity; ignores other keys", () => {
    const slots = accountSlots(
      entries([
        [accountKey(KEY, 'zed'), oauth1('zed')],
        [KEY, oauth1('old')],
        [accountKey('v2:other', 'x'), oauth1('x')],
        [`${KEY}#account:%E0%A4%A`, oauth1('broken')],
      ]),
      KEY,
    );
    expect(slots.map((slot) => [slot.account, slot.bare])).toEqual([
      ['old', true],
      ['zed', false],
    ]);
    expect(accountSlots(entries([[KEY, bearer()]]), KEY).map((slot) => slot.account)).toEqual([UNNAMED_ACCOUNT]);
    // The same identity stored by name and bare: the named one (the newer) is the account.
    expect(
      accountSlots(
        entries([
          [KEY, oauth1('ada')],
          [accountKey(KEY, 'ada'), oauth1('ada')],
        ]),
        KEY,
      ),
    ).toEqual([{ account: 'ada', bare: false, credentials: oauth1('ada') }]);
  });

  const two: AccountSlot[] = [
    { account: 'ada', bare: false },
    { account: 'bob', bare: false },
  ];
  it('picks --account, then TOKENSMITH_ACCOUNT, then the recorded default, then the only account', () => {
    expect(chooseAccount(two, { flag: 'bob', env: 'ada', recorded: 'ada' }, 'p')).toEqual({ slot: two[1] });
    expect(chooseAccount(two, { env: 'bob', recorded: 'ada' }, 'p')).toEqual({ slot: two[1] });
    expect(chooseAccount(two, { recorded: 'bob' }, 'p')).toEqual({ slot: two[1] });
    expect(chooseAccount([two[0]!], {}, 'p')).toEqual({ slot: two[0] });
    // A recorded default that is gone does not stop the only account being used.
    expect(chooseAccount([two[0]!], { recorded: 'gone' }, 'p')).toEqual({ slot: two[0] });
  });

  it('with no account: the bare key as before accounts; TOKENSMITH_ACCOUNT is ignored by a provider with no named account', () => {
    expect(chooseAccount([], {}, 'p')).toEqual({ slot: { account: UNNAMED_ACCOUNT, bare: true } });
    expect(chooseAccount([], { env: 'ada' }, 'p')).toEqual({ slot: { account: UNNAMED_ACCOUNT, bare: true } });
    const app: AccountSlot = { account: UNNAMED_ACCOUNT, bare: true };
    expect(chooseAccount([app], { env: 'ada' }, 'p')).toEqual({ slot: app });
    // --account on an empty provider: that account, for the strategy to log in or say login required.
    expect(chooseAccount([], { flag: 'ada' }, 'p')).toEqual({ slot: { account: 'ada', bare: false } });
  });

  it('names the accounts and the ways to choose when it cannot pick', () => {
    expect(chooseAccount(two, {}, 'p')).toEqual({
      problem:
        'provider p has 2 accounts (ada, bob) and no default; pass --account NAME, set TOKENSMITH_ACCOUNT=NAME, or run: tokensmith switch p NAME',
    });
    expect(chooseAccount(two, { env: 'cy' }, 'p')).toEqual({
      problem: 'provider p has no account cy (TOKENSMITH_ACCOUNT); its accounts: ada, bob. Log it in with: tokensmith login p --account cy',
    });
  });
});

describe('account stores', () => {
  it("puts the account in every key the strategy uses; the bare slot uses the strategy's key", async () => {
    const store = new MemoryStore();
    await storeForAccount(store, { account: 'ada', bare: false }).set(KEY, oauth1('ada'));
    await storeForAccount(store, { account: 'old', bare: true }).set(KEY, oauth1('old'));
    expect((await store.entries()).map((entry) => entry.key)).toEqual([KEY, accountKey(KEY, 'ada')]);
    expect(await storeForAccount(store, { account: 'ada', bare: false }).get(KEY)).toEqual(oauth1('ada'));
  });

  it('a login stores under the name its answer gives (or --account), and replaces a bare entry of the same person', async () => {
    const store = new MemoryStore();
    await store.set(KEY, oauth1('ada'));
    const slots = accountSlots(await store.entries(), KEY);
    const target: LoginTarget = { stored: false, account: undefined };
    const login = loginStore(store, slots, undefined, target);
    expect(await login.get(KEY)).toBeUndefined();
    await login.set(KEY, oauth1('ada'));
    expect(target).toEqual({ stored: true, account: 'ada' });
    expect((await store.entries()).map((entry) => entry.key)).toEqual([accountKey(KEY, 'ada')]);

    const named: LoginTarget = { stored: false, account: undefined };
    await loginStore(store, [], 'work', named).set(KEY, oauth1('ada'));
    expect(named.account).toBe('work');
    const nobody: LoginTarget = { stored: false, account: undefined };
    await loginStore(store, [], undefined, nobody).set(KEY, bearer());
    expect(nobody).toEqual({ stored: true, account: undefined });
    expect((await store.entries()).map((entry) => entry.key).sort()).toEqual([KEY, accountKey(KEY, 'ada'), accountKey(KEY, 'work')].sort());
  });
});

describe('the accounts file', () => {
  it('records and forgets defaults in a 0600 file of a 0700 directory; a missing or unreadable file records nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tokensmith-accounts-'));
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    expect(defaultAccount(env, 'p')).toBeUndefined();
    await setDefaultAccount(env, 'p', 'ada');
    await setDefaultAccount(env, 'a', 'bob');
    expect(defaultAccount(env, 'p')).toBe('ada');
    expect(defaultAccount(env, 'constructor')).toBeUndefined();
    expect(JSON.parse(readFileSync(accountsFilePath(env), 'utf8'))).toEqual({ defaults: { a: 'bob', p: 'ada' } });
    expect(statSync(accountsFilePath(env)).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.config', 'tokensmith')).mode & 0o777).toBe(0o700);
    await setDefaultAccount(env, 'p', undefined);
    expect(defaultAccount(env, 'p')).toBeUndefined();
    writeFileSync(accountsFilePath(env), '{"defaults": {"a": "bo');
    expect(defaultAccount(env, 'a')).toBeUndefined();
  });
});
