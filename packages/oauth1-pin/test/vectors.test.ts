import OAuth from 'oauth-1.0a';
import { TokensmithError } from '@tokensmith/core/kit';
import {
  baseStringUri,
  buildAuthorizationHeader,
  hmacSha1Signature,
  normalizeParameters,
  percentEncode,
  plaintextSignature,
  requestParameters,
  signOAuth1Request,
  signatureBaseString,
} from '../src/index.js';

// Every vector below is public (shared/CONVENTIONS.md): Twitter's "Creating a signature" and RFC 5849.
const TWITTER = {
  consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
  consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
  timestamp: 1318622958,
};
const STATUS = 'Hello Ladies + Gentlemen, a signed OAuth request!';
const RFC = { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44' };

describe("Twitter's 'Creating a signature' example", () => {
  it('signs the 1.1 update with query include_entities and form body status: hCtSmYh+iHYCEqBWrE7C7hYmtUk=', () => {
    const signed = signOAuth1Request({
      ...TWITTER,
      method: 'POST',
      url: 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
      body: { status: STATUS },
    });
    expect(signed.signature).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
    expect(signed.baseString).toBe(
      'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    );
  });

  it('gives the same signature whichever of query, string body, URLSearchParams or record carries the params', () => {
    const url = 'https://api.twitter.com/1.1/statuses/update.json';
    const variants = [
      { url: `${url}?include_entities=true`, body: `status=${encodeURIComponent(STATUS)}` },
      { url: `${url}?include_entities=true`, body: new URLSearchParams({ status: STATUS }) },
      { url, body: { include_entities: 'true', status: STATUS } },
      { url: `${url}?include_entities=true&status=${encodeURIComponent(STATUS).replace(/%20/g, '+')}` },
    ];
    for (const variant of variants)
      expect(signOAuth1Request({ ...TWITTER, method: 'post', ...variant }).signature).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });

  it('signs the 1/ variant as tnnArxj06cWHq44gCs1OSKk/jLY= and builds its documented Authorization header', () => {
    const signed = signOAuth1Request({
      ...TWITTER,
      method: 'POST',
      url: 'https://api.twitter.com/1/statuses/update.json?include_entities=true',
      body: { status: STATUS },
    });
    expect(signed.signature).toBe('tnnArxj06cWHq44gCs1OSKk/jLY=');
    expect(signed.authorization).toBe(
      'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"',
    );
  });
});

describe('RFC 5849 1.2 example', () => {
  it('initiate (temporary credentials): 74KNZJeDHnMBp0EMJ9ZHt/XKycU=', () => {
    const signed = signOAuth1Request({
      ...RFC,
      method: 'POST',
      url: 'https://photos.example.net/initiate',
      nonce: 'wIjqoS',
      timestamp: 137131200,
      callback: 'http://printer.example.com/ready',
      version: null,
      realm: 'Photos',
    });
    expect(signed.signature).toBe('74KNZJeDHnMBp0EMJ9ZHt/XKycU=');
    expect(signed.authorization).toBe(
      'OAuth realm="Photos", oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_nonce="wIjqoS", oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131200"',
    );
  });

  it('token (with verifier): gKgrFCywp7rO0OXSjdot/IHF7IU=', () => {
    const signed = signOAuth1Request({
      ...RFC,
      method: 'POST',
      url: 'https://photos.example.net/token',
      token: 'hh5s93j4hdidpola',
      tokenSecret: 'hdhd0244k9j7ao03',
      nonce: 'walatlh',
      timestamp: 137131201,
      verifier: 'hfdp7dh39dks9884',
      version: null,
    });
    expect(signed.signature).toBe('gKgrFCywp7rO0OXSjdot/IHF7IU=');
  });

  it('resource request (query parameters signed, no oauth_version): MdpQcU8iPSUjWoN/UDMsK2sui9I=', () => {
    const input = {
      ...RFC,
      method: 'GET',
      url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
      token: 'nnch734d00sl2jdk',
      tokenSecret: 'pfkkdhi9sl3r4s00',
      nonce: 'chapoH',
      timestamp: 137131202,
      version: null,
    } as const;
    const signed = signOAuth1Request(input);
    expect(signed.signature).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
    expect(signed.baseString).toBe(
      'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal',
    );
    expect(hmacSha1Signature(signed.baseString, RFC.consumerSecret, 'pfkkdhi9sl3r4s00')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
    // One changed byte anywhere changes the signature (the assertion above can fail).
    expect(signOAuth1Request({ ...input, url: 'http://photos.example.net/photos?file=vacation.jpg&size=Original' }).signature).not.toBe(
      'MdpQcU8iPSUjWoN/UDMsK2sui9I=',
    );
  });
});

describe('RFC 5849 3.4.1 normalisation', () => {
  const request = {
    method: 'POST',
    url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
    body: 'c2&a3=2+q',
    oauthParams: {
      oauth_consumer_key: '9djdj82h48djs9d2',
      oauth_token: 'kkk9d7dh3k39sjv7',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131201',
      oauth_nonce: '7d8f3e4a',
      oauth_signature: 'bYT5CMsGcbgUdFHObYMEfcx6bsw=',
    },
  };
  const NORMALISED =
    'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7';

  it('keeps duplicate keys, decodes c%40 once, form-decodes a3=2+q and sorts by encoded key then value', () => {
    const { oauth_signature: _signature, ...protocol } = request.oauthParams;
    expect(normalizeParameters([...requestParameters(request), ...Object.entries(protocol)])).toBe(NORMALISED);
  });

  it("gives RFC 3.4.1.1's base string, also from HTTP://Example.COM:80 (and leaves oauth_signature and realm out)", () => {
    const expected = `POST&http%3A%2F%2Fexample.com%2Frequest&${percentEncode(NORMALISED)}`;
    expect(signatureBaseString(request)).toBe(expected);
    expect(
      signatureBaseString({
        ...request,
        url: request.url.replace('http://example.com', 'HTTP://Example.COM:80'),
        oauthParams: { ...request.oauthParams, realm: 'Example' },
      }),
    ).toBe(expected);
  });

  it('is what signOAuth1Request signs, while oauth-1.0a as shipped gets it wrong (the trap it works around)', () => {
    const signed = signOAuth1Request({
      method: 'POST',
      url: 'HTTP://Example.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      body: 'c2&a3=2+q',
      consumerKey: '9djdj82h48djs9d2',
      consumerSecret: 'j49sk3j29djd',
      token: 'kkk9d7dh3k39sjv7',
      tokenSecret: 'dh893hdasih9',
      nonce: '7d8f3e4a',
      timestamp: 137131201,
      version: null,
    });
    expect(signed.baseString).toBe(`POST&http%3A%2F%2Fexample.com%2Frequest&${percentEncode(NORMALISED)}`);
    expect(signed.signature).toBe(hmacSha1Signature(signed.baseString, 'j49sk3j29djd', 'dh893hdasih9'));

    const raw = new OAuth({
      consumer: { key: '9djdj82h48djs9d2', secret: 'j49sk3j29djd' },
      signature_method: 'HMAC-SHA1',
      hash_function: (b) => b,
    });
    const rawBase = raw.getBaseString(
      { method: 'POST', url: 'HTTP://Example.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b', data: { c2: '', a3: '2 q' } },
      {
        oauth_consumer_key: '9djdj82h48djs9d2',
        oauth_token: 'kkk9d7dh3k39sjv7',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: 137131201,
        oauth_nonce: '7d8f3e4a',
      } as unknown as OAuth.Data,
    );
    expect(rawBase).not.toBe(signed.baseString);
    expect(rawBase).toContain('HTTP%3A%2F%2FExample.COM%3A80'); // keeps scheme, host case and port 80
    expect(rawBase).toContain('c%252540'); // double-encodes c%40
    expect(rawBase.match(/a3%3D/g)).toHaveLength(1); // drops one a3
  });
});

describe('who signs', () => {
  it("oauth-1.0a derives the key and signs tokensmith's RFC base string, once per request", () => {
    const originalKey = OAuth.prototype.getSigningKey;
    const originalBase = OAuth.prototype.getBaseString;
    const keys: string[] = [];
    let libraryBaseStrings = 0;
    OAuth.prototype.getSigningKey = function (this: OAuth, tokenSecret: string) {
      const key = originalKey.call(this, tokenSecret);
      keys.push(key);
      return key;
    };
    OAuth.prototype.getBaseString = function (this: OAuth, ...args: Parameters<OAuth['getBaseString']>) {
      libraryBaseStrings++;
      return originalBase.apply(this, args);
    };
    try {
      const twitter = signOAuth1Request({
        ...TWITTER,
        method: 'POST',
        url: 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
        body: { status: STATUS },
      });
      expect(twitter.signature).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
      signOAuth1Request({ ...RFC, method: 'GET', url: 'https://x.test/p?__proto__=1', nonce: 'n', timestamp: 1 });
      expect(keys).toHaveLength(2);
      expect(keys[0]).toBe('kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE');
      expect(libraryBaseStrings).toBe(0);
    } finally {
      OAuth.prototype.getSigningKey = originalKey;
      OAuth.prototype.getBaseString = originalBase;
    }
  });
});

describe('PLAINTEXT (RFC 5849 3.4.4)', () => {
  it('secrets ja893SD9 and xyz4992k83j47x0b give ja893SD9&xyz4992k83j47x0b, sent as ja893SD9%26xyz4992k83j47x0b', () => {
    expect(plaintextSignature('ja893SD9', 'xyz4992k83j47x0b')).toBe('ja893SD9&xyz4992k83j47x0b');
    const signed = signOAuth1Request({
      method: 'POST',
      url: 'https://photos.example.net/initiate',
      consumerKey: 'dpf43f3p2l4k3l03',
      consumerSecret: 'ja893SD9',
      token: 'hh5s93j4hdidpola',
      tokenSecret: 'xyz4992k83j47x0b',
      nonce: 'n',
      timestamp: 1,
      signatureMethod: 'PLAINTEXT',
    });
    expect(signed.authorization).toContain('oauth_signature="ja893SD9%26xyz4992k83j47x0b"');
    expect(signed.authorization).toContain('oauth_signature_method="PLAINTEXT"');
  });

  it('encodes the secrets inside the key, and leaves the token half empty without a token', () => {
    expect(plaintextSignature('a&b c', '')).toBe('a%26b%20c&');
    expect(plaintextSignature('secret')).toBe('secret&');
  });
});

describe('percentEncode (RFC 3986 unreserved only, UTF-8)', () => {
  it.each([
    ['ABCxyz019-._~', 'ABCxyz019-._~'],
    ["!*'()", '%21%2A%27%28%29'],
    [' ', '%20'],
    ['+', '%2B'],
    ['%', '%25'],
    ['&=?/#:@,;$[]', '%26%3D%3F%2F%23%3A%40%2C%3B%24%5B%5D'],
    ['café ☕', 'caf%C3%A9%20%E2%98%95'],
    ['日本語🚀', '%E6%97%A5%E6%9C%AC%E8%AA%9E%F0%9F%9A%80'],
    ['\u0000\n\u007f', '%00%0A%7F'],
    ['a\uD800b', 'a%EF%BF%BDb'],
    ['', ''],
  ])('%j -> %s', (input, expected) => {
    expect(percentEncode(input)).toBe(expected);
  });
});

describe('normalisation corner cases', () => {
  it('lower-cases scheme and host, drops default ports only, keeps path case and an empty path as /', () => {
    expect(baseStringUri('HTTPS://API.Example.COM:443/Path/To?q=1#frag')).toBe('https://api.example.com/Path/To');
    expect(baseStringUri('http://example.com:8080')).toBe('http://example.com:8080/');
    expect(baseStringUri('https://example.com:80/x')).toBe('https://example.com:80/x');
    expect(baseStringUri('http://user:pass@example.com/x')).toBe('http://example.com/x');
    expect(baseStringUri(new URL('http://127.0.0.1:53127/oauth/request_token'))).toBe('http://127.0.0.1:53127/oauth/request_token');
  });

  it('decodes query and body once (+ is a space in both), keeps empty values and duplicates, ignores the fragment', () => {
    expect(requestParameters({ url: 'https://x.test/p?a=1&a=1&b&c=%2B+%20&%F0%9F%9A%80=%E2%98%95#z=9', body: 'd=%25&e' })).toEqual([
      ['a', '1'],
      ['a', '1'],
      ['b', ''],
      ['c', '+  '],
      ['🚀', '☕'],
      ['d', '%'],
      ['e', ''],
    ]);
    expect(
      normalizeParameters([
        ['a', '1'],
        ['a', '1'],
      ]),
    ).toBe('a=1&a=1');
  });

  it('sorts by encoded bytes, not by decoded text or locale (é is %C3%A9, so before Z)', () => {
    expect(
      normalizeParameters([
        ['b', 'x'],
        ['a', 'é'],
        ['a', 'z'],
        ['A', '1'],
        ['a', 'Z'],
        ['~', ''],
        ['-', ''],
      ]),
    ).toBe('-=&A=1&a=%C3%A9&a=Z&a=z&b=x&~=');
  });

  it('signs a parameter named __proto__ (which oauth-1.0a cannot hold) with the RFC base string', () => {
    const input = {
      ...RFC,
      method: 'GET',
      url: 'https://x.test/p?__proto__=1&a=2',
      nonce: 'n',
      timestamp: 1,
      tokenSecret: 's',
      token: 't',
    };
    const signed = signOAuth1Request(input);
    expect(signed.baseString).toContain('__proto__%3D1');
    expect(signed.signature).toBe(hmacSha1Signature(signed.baseString, RFC.consumerSecret, 's'));
  });

  it('refuses JSON and binary bodies, bad methods, bad URLs and non-string record values with signature_error', () => {
    const base = { ...RFC, method: 'POST', url: 'https://x.test/p', nonce: 'n', timestamp: 1 };
    const cases: Array<Partial<Parameters<typeof signOAuth1Request>[0]>> = [
      { body: '{"status":"hi"}' },
      { body: new Uint8Array([1]) as unknown as string },
      { body: { n: 1 } as unknown as Record<string, string> },
      { method: 'GE T' },
      { url: '/relative' },
      { nonce: '' },
      { timestamp: 'soon' },
      { signatureMethod: 'RSA-SHA1' as 'PLAINTEXT' },
    ];
    for (const patch of cases) {
      let caught: unknown;
      try {
        signOAuth1Request({ ...base, ...patch });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TokensmithError);
      expect((caught as TokensmithError).code).toBe('signature_error');
    }
  });
});

describe('buildAuthorizationHeader', () => {
  it('quotes and percent-encodes oauth_* values, sorts them, puts realm first and drops other params', () => {
    expect(
      buildAuthorizationHeader({ oauth_token: 'a b', status: 'x', oauth_callback: 'oob', oauth_signature: 'x+/=' }, { realm: 'Photos' }),
    ).toBe('OAuth realm="Photos", oauth_callback="oob", oauth_signature="x%2B%2F%3D", oauth_token="a%20b"');
    expect(() => buildAuthorizationHeader({}, { realm: 'a"b' })).toThrow(TokensmithError);
  });
});
