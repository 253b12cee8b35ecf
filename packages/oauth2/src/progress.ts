/**
 * What the shared OAuth 2 lifecycle reports (a strategy's own progress type extends it); messages
 * never hold a secret.
 */
export interface OAuth2Progress {
  type: 'discovery' | 'refresh' | 'revoke' | 'revoke-failed';
  message: string;
}

/**
 * Wraps an `onProgress(message, event)` callback so that a failing reporter never breaks a login.
 *
 * @example
 * ```ts
 * const progress = progressReporter<OAuth2Progress>(options.onProgress);
 * progress({ type: 'refresh', message: 'Refreshing the access token' });
 * ```
 */
export function progressReporter<E extends { message: string }>(
  onProgress: ((message: string, event: E) => void) | undefined,
): (event: E) => void {
  return (event) => {
    try {
      onProgress?.(event.message, event);
    } catch {
      // A failing progress reporter must not break the login.
    }
  };
}
