// Kept free of imports: the authorization-code adapter (loaded with the registry at start-up) uses it.

/**
 * Settings moved to another instance: the issuer becomes the instance, and a base URL or timeline
 * URL on the old issuer's origin moves with it (an adapter's `onInstance` uses it).
 *
 * @example
 * ```ts
 * moveToInstance({ issuer: 'https://a.example', baseUrl: 'https://a.example' }, 'https://b.example'); // both on b.example
 * ```
 */
export function moveToInstance<
  C extends { issuer?: string | undefined; baseUrl?: string | undefined; timeline?: { url: string } | undefined },
>(config: C, origin: string): C {
  const oldOrigin = config.issuer === undefined ? undefined : new URL(config.issuer).origin;
  const move = (url: string | undefined) =>
    url !== undefined && oldOrigin !== undefined && new URL(url).origin === oldOrigin ? origin + url.slice(oldOrigin.length) : url;
  const baseUrl = move(config.baseUrl);
  const timelineUrl = move(config.timeline?.url);
  return {
    ...config,
    issuer: origin,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(config.timeline && timelineUrl ? { timeline: { ...config.timeline, url: timelineUrl } } : {}),
  };
}
