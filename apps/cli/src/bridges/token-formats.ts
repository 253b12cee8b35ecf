import type { Credentials } from '@tokensmith/core';
import { CliError } from '../cli-error.js';
import { tokenFields } from '../commands/json-fields.js';

// How `tokensmith token --format F` hands a token to another program. Each format is what that
// program reads: a bare token (curl's `$(...)`), an HTTP header line, shell assignments for `eval`
// in CI, and a Kubernetes ExecCredential for a kubeconfig `exec:` stanza.

/** The formats `token --format` prints, the default first. */
export const TOKEN_FORMATS = ['raw', 'json', 'header', 'env', 'exec-credential'] as const;

/** A format `token --format` prints. */
export type TokenFormat = (typeof TOKEN_FORMATS)[number];

/** The ExecCredential API versions kubectl asks for (client-go's exec plugin protocol), newest first. */
export const EXEC_CREDENTIAL_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;

/** What a formatted token says about where it came from. */
export interface TokenContext {
  /** The provider's config name. */
  provider: string;
  /** Its strategy, for `json`. */
  strategy: string;
  /** Whether the token is bound to a key (DPoP): it is useless as a bare header. */
  senderConstrained?: boolean;
  /** The account the credentials belong to, as the strategy adapter reads it (`statusUser`), for `json`. */
  user?: ((credentials: Credentials) => string | undefined) | undefined;
  /** `KUBERNETES_EXEC_INFO`, as kubectl passes it to an exec plugin. */
  execInfo?: string | undefined;
}

/**
 * Whether a string names a format `token --format` prints.
 *
 * @example
 * ```ts
 * isTokenFormat('header'); // true
 * ```
 */
export function isTokenFormat(value: string): value is TokenFormat {
  return (TOKEN_FORMATS as readonly string[]).includes(value);
}

/**
 * A value quoted for a POSIX shell (`sh`, `bash`, `zsh`): single quotes, each `'` written `'\''`,
 * so `eval` assigns it as is, whatever it holds.
 *
 * @example
 * ```ts
 * shellQuote("it's"); // "'it'\\''s'"
 * ```
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The ExecCredential API version to answer with: the one kubectl asked for in
 * `KUBERNETES_EXEC_INFO`, else `client.authentication.k8s.io/v1`. A version this command does not
 * speak is refused (kubectl would reject the answer anyway), naming the ones it does.
 *
 * @example
 * ```ts
 * execCredentialApiVersion('{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential"}'); // 'client.authentication.k8s.io/v1beta1'
 * ```
 */
export function execCredentialApiVersion(execInfo: string | undefined): (typeof EXEC_CREDENTIAL_API_VERSIONS)[number] {
  if (execInfo === undefined || execInfo.trim() === '') return EXEC_CREDENTIAL_API_VERSIONS[0];
  let asked: unknown;
  try {
    asked = (JSON.parse(execInfo) as { apiVersion?: unknown }).apiVersion;
  } catch {
    throw new CliError(
      'usage',
      'KUBERNETES_EXEC_INFO is not JSON: kubectl sets it for exec plugins; unset it to answer with client.authentication.k8s.io/v1',
    );
  }
  const known = EXEC_CREDENTIAL_API_VERSIONS.find((version) => version === asked);
  if (known) return known;
  throw new CliError(
    'usage',
    `KUBERNETES_EXEC_INFO asks for an ExecCredential apiVersion tokensmith does not speak; set apiVersion to ${EXEC_CREDENTIAL_API_VERSIONS.join(' or ')} in the kubeconfig's exec stanza`,
  );
}

function bearerOnly(credentials: Credentials, context: TokenContext, format: TokenFormat): string {
  if (credentials.type !== 'bearer') {
    throw new CliError(
      'usage',
      `${context.provider} uses OAuth 1.0a, whose requests are each signed: its token cannot be used as a bare ${format === 'header' ? 'header' : 'token'}; use tokensmith api ${context.provider} <path> (it signs every request)`,
    );
  }
  if (context.senderConstrained) {
    throw new CliError(
      'usage',
      `${context.provider}'s token is bound to a key (DPoP): it works only with a fresh proof per request; use tokensmith api ${context.provider} <path> or tokensmith exec ${context.provider} -- <command> with a DPoP-aware program`,
    );
  }
  return credentials.accessToken;
}

/**
 * The text `token --format F` prints for `credentials` (ending in a newline).
 *
 * @example
 * ```ts
 * formatToken({ type: 'bearer', accessToken: 'AAAA' }, 'header', { provider: 'x', strategy: 'client-credentials' }); // 'Authorization: Bearer AAAA\n'
 * ```
 */
export function formatToken(credentials: Credentials, format: TokenFormat, context: TokenContext): string {
  const expiresAt =
    credentials.type === 'bearer' && credentials.expiresAt !== undefined ? new Date(credentials.expiresAt).toISOString() : undefined;
  switch (format) {
    case 'raw':
      return `${credentials.type === 'bearer' ? credentials.accessToken : credentials.token}\n`;
    case 'json':
      return `${JSON.stringify(tokenFields(credentials, context.provider, context.strategy, context.user), null, 2)}\n`;
    case 'header':
      return `Authorization: Bearer ${bearerOnly(credentials, context, format)}\n`;
    case 'env': {
      const token = bearerOnly(credentials, context, format);
      return `TOKENSMITH_TOKEN=${shellQuote(token)}\nTOKENSMITH_TOKEN_EXPIRES_AT=${shellQuote(expiresAt ?? '')}\n`;
    }
    case 'exec-credential': {
      const apiVersion = execCredentialApiVersion(context.execInfo);
      const token = bearerOnly(credentials, context, format);
      return `${JSON.stringify({
        kind: 'ExecCredential',
        apiVersion,
        spec: { interactive: false },
        status: { token, ...(expiresAt === undefined ? {} : { expirationTimestamp: expiresAt }) },
      })}\n`;
    }
  }
}
