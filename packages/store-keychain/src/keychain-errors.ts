// What the keychain's failures mean to a user, and what to do next. @napi-rs/keyring reports every
// platform failure as a GenericFailure with the platform's words; these patterns are the words of
// the Secret Service (gnome-keyring, KWallet), macOS Keychain and Windows Credential Manager.
import { storeError, storeUnavailable, type TokensmithError } from '@tokensmith/core/kit';

const USE_FILE = 'or keep tokens in the file store instead';

/** The binding's message, cut and without line breaks (it never holds the secret, but may hold paths). */
const platformWords = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 200);

/**
 * Translates a keychain failure into a `store_error` (the keychain answered: locked, denied, no
 * keyring to write to) or a `store_unavailable` (nothing answered), each naming the next step.
 * Nothing is ever changed by a failed call, and the message says so where a person may worry.
 *
 * @example
 * ```ts
 * try { await entry.getPassword(signal); } catch (error) { throw keychainError('read', error, 10_000); }
 * ```
 */
export function keychainError(operation: string, error: unknown, timeoutMs: number): TokensmithError {
  const words = platformWords(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError' || /aborted/i.test(words)) {
    return storeUnavailable(
      `the OS keychain did not answer (${operation}) within ${timeoutMs} ms; check that its service is running, ${USE_FILE}`,
      error,
    );
  }
  if (/prompt was dismissed|IsLocked|is locked|locked object/i.test(words)) {
    return storeError(
      `the OS keychain is locked and was not unlocked (${operation}: the unlock prompt was dismissed or could not be shown). ` +
        `Unlock it (log in to the desktop session, or run \`gnome-keyring-daemon --unlock\`) and run the command again, ${USE_FILE}. Nothing was changed`,
      error,
    );
  }
  if (/denied|not allowed|user canceled|user cancelled|interaction is not allowed|errSecAuthFailed/i.test(words)) {
    return storeError(
      `access to the OS keychain was denied (${operation}). Allow tokensmith when the keychain asks, and run the command again, ${USE_FILE}. Nothing was changed`,
      error,
    );
  }
  if (/no result found|no such object|no default collection|NoSuchObject/i.test(words)) {
    return storeError(
      `the OS keychain has no default keyring to keep tokens in (${operation}). Create one (e.g. with Seahorse, "Passwords and Keys") and run the command again, ${USE_FILE}`,
      error,
    );
  }
  if (
    /dbus|d-bus|autolaunch|failed to connect|ServiceUnknown|not provided by any \.service|no such (file|service)|Platform failure/i.test(
      words,
    )
  ) {
    return storeUnavailable(
      `no OS keychain answers (no Secret Service on the D-Bus session bus: ${words}); start one (e.g. gnome-keyring) in this session, ${USE_FILE}`,
      error,
    );
  }
  return storeUnavailable(`the OS keychain failed (${operation}: ${words}); ${USE_FILE}`, error);
}
