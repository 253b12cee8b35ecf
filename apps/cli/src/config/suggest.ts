// "Did you mean": a mistyped provider name or config key is usually one or two keystrokes away from
// the real one (git and npm suggest the same way).

/** Levenshtein distance between two strings (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, i) => i);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[right.length]!;
}

/**
 * The candidate closest to `name`, when it is close enough to be a typo: at most 2 edits, and fewer
 * edits than the name has characters (so `a` does not suggest `b`).
 *
 * @example
 * ```ts
 * closestName('githb', ['github', 'gitlab']); // 'github'
 * closestName('zzz', ['github']); // undefined
 * ```
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name, candidate);
    if (distance <= 2 && distance < name.length && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/**
 * Every object key a valibot schema declares, at any depth (for suggesting a known config key).
 *
 * @example
 * ```ts
 * schemaKeys(v.object({ tokenUrl: v.string() })); // Set { 'tokenUrl' }
 * ```
 */
export function schemaKeys(schema: unknown): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const { entries, options, wrapped, pipe, item, value } = node as Record<string, unknown>;
    if (entries && typeof entries === 'object') {
      for (const [key, child] of Object.entries(entries)) {
        keys.add(key);
        stack.push(child);
      }
    }
    for (const child of [options, pipe]) if (Array.isArray(child)) stack.push(...(child as unknown[]));
    stack.push(wrapped, item, value);
  }
  return keys;
}
