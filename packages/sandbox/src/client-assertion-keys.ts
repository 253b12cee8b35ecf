// Test keys of the sandbox's private_key_jwt client. They are published here on purpose: local
// demo values for tests and the demo, never a key of anyone (the same status as DEMO_CREDENTIALS).

/** One test key pair of the private_key_jwt client: its `kid`, default JWS algorithm, private PEM and public JWK. */
export interface SandboxTestKey {
  kid: string;
  alg: string;
  privateKeyPem: string;
  publicJwk: Readonly<Record<string, string>>;
}

/**
 * The private_key_jwt client's key pairs (P-256, RSA 2048, Ed25519), registered in its JWK set by
 * `kid`. The private keys are for tests only: write one to a 0600 file and point `privateKey` at it.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('client-key.pem', SANDBOX_CLIENT_KEYS.es256.privateKeyPem, { mode: 0o600 });
 * ```
 */
export const SANDBOX_CLIENT_KEYS: Readonly<Record<'es256' | 'rs256' | 'eddsa', SandboxTestKey>> = Object.freeze({
  es256: Object.freeze({
    kid: 'sandbox-es256',
    alg: 'ES256',
    privateKeyPem:
      '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLgTvgDF08tbz2Vw7\nEGEFSXQZyqbo8Xx0zUhJBeqP6iChRANCAAR7lp+VdIy6PYcPKjkr8FH5JIPdYX5X\nWYSWqmLL5pzhk9EBAKknhd+CdEqcOqTu8ZrAls2/zb7oMFLZ68Iyc6M4\n-----END PRIVATE KEY-----\n',
    publicJwk: Object.freeze({
      kty: 'EC',
      x: 'e5aflXSMuj2HDyo5K_BR-SSD3WF-V1mElqpiy-ac4ZM',
      y: '0QEAqSeF34J0Spw6pO7xmsCWzb_NvugwUtnrwjJzozg',
      crv: 'P-256',
      kid: 'sandbox-es256',
      use: 'sig',
    }),
  }),
  rs256: Object.freeze({
    kid: 'sandbox-rs256',
    alg: 'RS256',
    privateKeyPem:
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDGqTX2fZ8/2f7G\nHVLpFEsXdm/M56yQvbsfac5ezrlqJxFKMu4c2Klgv/1vSITf5TMgXoITROCen1ag\nCCikaIrqu+xw/h8ij3v+S4EkskJqZ6a8NtfZntlupgt80eMLpuNzSiOP4deziZyP\nTjwOzmW/i+FaI2vgusl8MXOeeG4H0Fc8BBaVphnsqWgh2pdk8Th6xq1F81zSufpr\n0KCC71GbaRXn/l6S+loqM0yPX3hKPcYEEoBnPKs9GpD+sWq/GtTfuoe40m0VmX1a\nWcRlg/YrlHWjPXbUK+xr9zRZ5YanJIHZuKnH77RuK0gzFH9XeHmGbqZ2IpGatXVz\nH0rE8qETAgMBAAECggEAYYW3g+VvQ70UINVMWjcoFcCCaahhQjyhm24pbMk2pDHB\nfxc5ZNfHbkNRekuzTuYJDx7V4/ev/K5jq/PVX8AiUdEm5OEbD7A4QkF2iDkp+Wog\no8yYcbBVNMg2Y3P1bUbj6Ti/9GX9qZkoTgEt4mbX9AwK+GDjGFMZjeoIxAaCnTp/\ny5xrs5QywjX5PnAE1oOScY9gmU/bLX0sQKk4JoerSRoqZCIpZZJoqApgDIqZuKXf\ncKD4CtH5c4QmCf8ypdh27MTnVj0a2NXE/jQn0MmVCQNDdSkfkMUldDinfTuuHeNn\ngvHvC9+R8UAOFt1My2In6L5S5VZS/MgdPnCnLoRKAQKBgQDpkgmLX1R06oskA/Kt\nY7lc/ypps/k1T07D+9K7zE0gCaaCazhHe/c6sGWmWCciX0qiJugqa51MkBZ6UxMj\nEUbWDiCpyTj63iYeUY0OrgVdG9khFHW9Dnxp56VJjG1/eviXNL5pc8tsfDibVxNj\nYVOcclZ6T1di86+RTXYs+xsVwQKBgQDZvPqUwsfe0n8P6gPFKJZZjFaCdWxJ+S7Z\n5W3D/sqJywI87SAfPX6yaRGqvnjNkZPP0NAAA8EzqcG2f4Z/qGR18dAytAMcCk/2\ngid4R4qE7Mf+lZ5n7Mwzqm8rl13GOqRAJmoM6Ryw+VkjRYWlxnj+OJ3C5WAjlUUG\nDnE2PVpz0wKBgHejXxItrVQJw2WaRBa+SvcwmGf2UMMWsXC/r4yUNDkh2FFbXEN5\nYwSD0D1pT/pSNydhqG/6GWNbNrhHjzjaI5+HMwHk2TPe0EWdXhRT3Nl5ZzmDgl9p\naR7SEZ7fuEKhGW5SDOp07pDN/CzNaFfyRWKQSm1x8H/19EsIE20s3g3BAoGAY/am\n9HUYXew1+ZBueq3PmP0dGnfeZ3fHUrJKWpk3U1uog2A6Rx1sdWxXeBRKUdZsDhTH\n6bnPkXB2Rtr1XNZqiNujwiNy6gSyAXJvvIDbz3sFtpPqTbwhY/bzYwfzPXbewbTh\nK1w6l+ViTxcz7I/aLJzBkSDNqoh1T/qBb21rgZECgYEAx8RfY1UWTlUfu/y6HwcE\nK5tXV7QAoN+/jO1jBlsHAHyphYdu95jlWTI+YsBWMCi3qaVouZi5EKLNwVeNKqWg\nbjTFgm6Tr+dI+Q2me/VJ67EK54VvwMnIhpcM7sdCKzAnd2GeJgmxuS6n6lVl4/o7\nHsttoOJldkOT+LiPhlwEuVE=\n-----END PRIVATE KEY-----\n',
    publicJwk: Object.freeze({
      kty: 'RSA',
      n: 'xqk19n2fP9n-xh1S6RRLF3ZvzOeskL27H2nOXs65aicRSjLuHNipYL_9b0iE3-UzIF6CE0Tgnp9WoAgopGiK6rvscP4fIo97_kuBJLJCamemvDbX2Z7ZbqYLfNHjC6bjc0ojj-HXs4mcj048Ds5lv4vhWiNr4LrJfDFznnhuB9BXPAQWlaYZ7KloIdqXZPE4esatRfNc0rn6a9Cggu9Rm2kV5_5ekvpaKjNMj194Sj3GBBKAZzyrPRqQ_rFqvxrU37qHuNJtFZl9WlnEZYP2K5R1oz121Cvsa_c0WeWGpySB2bipx--0bitIMxR_V3h5hm6mdiKRmrV1cx9KxPKhEw',
      e: 'AQAB',
      kid: 'sandbox-rs256',
      use: 'sig',
    }),
  }),
  eddsa: Object.freeze({
    kid: 'sandbox-eddsa',
    alg: 'EdDSA',
    privateKeyPem:
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIIKVYMQZr5VKq4ny8Pf0XsLDY7MRGLuWTtuJdjC1PbAS\n-----END PRIVATE KEY-----\n',
    publicJwk: Object.freeze({
      crv: 'Ed25519',
      x: 'osnExLMB2gxWKO_z3NyR8KOECAS0g0Vs5JmCY28EgXs',
      kty: 'OKP',
      kid: 'sandbox-eddsa',
      use: 'sig',
    }),
  }),
});
