import { createHash as nodeHash, createHmac as nodeHmac, randomBytes } from 'node:crypto';
import { createHash, createHmac } from '../src/quick/crypto-lite.js';

// The quick paths' SHA-256 (src/quick/crypto-lite.ts) must give node:crypto's digests: every
// length across the padding boundaries (55/56/64 bytes), strings as UTF-8, HMAC keys short and
// longer than a block (hashed first, RFC 2104).
describe('crypto-lite', () => {
  it('SHA-256 and HMAC-SHA-256 equal node:crypto for every length up to three blocks, and for UTF-8 text', () => {
    for (let length = 0; length <= 200; length++) {
      const data = randomBytes(length);
      const key = randomBytes(length % 150);
      expect((createHash('sha256').update(data).digest as (e: 'hex') => string)('hex')).toBe(nodeHash('sha256').update(data).digest('hex'));
      expect((createHmac('sha256', key).update(data).digest as (e: 'hex') => string)('hex')).toBe(
        nodeHmac('sha256', key).update(data).digest('hex'),
      );
    }
    const text = 'tokensmith é 🔑 providers';
    expect((createHash('sha256').update(text, 'utf8').update('more').digest as (e: 'hex') => string)('hex')).toBe(
      nodeHash('sha256').update(text, 'utf8').update('more').digest('hex'),
    );
    expect((createHash('sha256').update('abc').digest as (e: 'hex') => string)('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
