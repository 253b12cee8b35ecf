// `${NAME}` references in a config: each string's variables are substituted from the environment,
// and what is missing is recorded (with the field's dotted path) rather than thrown, so that one
// provider's missing variable does not block the others.

import { STRATEGIES_BY_NAME } from '../strategies/index.js';

/** Fields whose value is a secret in some strategy (its adapter names them): written literally in the file, they are reported. */
const SECRET_FIELDS = new Set(Object.values(STRATEGIES_BY_NAME).flatMap((adapter) => adapter.secretFields));
/** Secret fields that may name a file instead (`privateKey`): a path there is no literal secret. */
const KEY_FILE_FIELDS = new Set(Object.values(STRATEGIES_BY_NAME).flatMap((adapter) => adapter.keyFileFields ?? []));
const isKeyMaterial = (text: string) => /^\s*(-----BEGIN|\{)/.test(text);
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** What substituting one part of a config found. */
export interface Substitution {
  /** Variables referenced, in order. */
  variables: string[];
  /** Variables not set. */
  missing: string[];
  /** Dotted paths of fields holding a missing variable (their validation waits). */
  unresolvedPaths: string[];
  literalSecrets: string[];
}

/** A substitution that found nothing yet. */
export function noSubstitution(): Substitution {
  return { variables: [], missing: [], unresolvedPaths: [], literalSecrets: [] };
}

/** A config path as messages print it, `providers.x.tokenUrl` (or `(top level)`). */
export function pathText(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.') || '(top level)';
}

/** The names of the `${NAME}` references in a string. */
export function envReferences(text: string): string[] {
  return [...text.matchAll(ENV_REFERENCE)].map((match) => match[1]!);
}

/**
 * Replaces `${NAME}` references in every string. A missing variable is recorded (with the field's
 * path) instead of thrown, so one provider's missing variable does not block the others.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: string[] = [],
  found: Substitution = noSubstitution(),
): unknown {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    const names = envReferences(value);
    const literal = names.length === 0 && !(KEY_FILE_FIELDS.has(key ?? '') && !isKeyMaterial(value));
    if (key !== undefined && SECRET_FIELDS.has(key) && literal) found.literalSecrets.push(pathText(path));
    for (const name of names) {
      if (!found.variables.includes(name)) found.variables.push(name);
      if ((env[name] === undefined || env[name] === '') && !found.missing.includes(name)) found.missing.push(name);
    }
    if (names.some((name) => env[name] === undefined || env[name] === '')) found.unresolvedPaths.push(pathText(path));
    return value.replace(ENV_REFERENCE, (match, name: string) => env[name] || match);
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, [...path, String(i)], found));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k], found)]));
  }
  return value;
}
