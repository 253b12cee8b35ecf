// The CLI's own errors sometimes name the exact command to run (the two-step OAuth 1.0a login, a
// command that never waits for a person): their explanation must not add a second, plainer one.
// They are marked where they are made, so no explainer reads a message to find out.

const given = new WeakSet<Error>();

/**
 * Marks an error whose message already names the next command, and returns it.
 *
 * @example
 * ```ts
 * throw withNextStep(new TokensmithError('login_required', `... run \`tokensmith login ${name}\` in a terminal`));
 * ```
 */
export function withNextStep<E extends Error>(error: E): E {
  given.add(error);
  return error;
}

/**
 * Whether an error's message already names the next command (see {@link withNextStep}).
 *
 * @example
 * ```ts
 * if (!namesNextStep(error)) hint = `run \`tokensmith login ${name}\``;
 * ```
 */
export function namesNextStep(error: Error): boolean {
  return given.has(error);
}
