import type { Preset } from './types.js';
import { auth0 } from './auth0.js';
import { discord } from './discord.js';
import { dropbox } from './dropbox.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { google } from './google.js';
import { keycloak } from './keycloak.js';
import { linkedin } from './linkedin.js';
import { mastodon } from './mastodon.js';
import { microsoft } from './microsoft.js';
import { okta } from './okta.js';
import { reddit } from './reddit.js';
import { slack } from './slack.js';
import { spotify } from './spotify.js';
import { twitch } from './twitch.js';
import { x } from './x.js';
import { xApp } from './x-app.js';
import { xOauth1 } from './x-oauth1.js';

export { HOST_PARAMS, TEMPLATE_PARAMS, type Preset, type PresetParam, type TemplateParam } from './types.js';

// Bluesky is left out: its OAuth needs PAR and DPoP (the strong-auth issue), which no strategy does yet.

/** Every preset, in the order `tokensmith presets` lists them: a new preset is one file and one line here. */
export const PRESETS: readonly Preset[] = [
  x,
  xApp,
  xOauth1,
  mastodon,
  github,
  gitlab,
  google,
  microsoft,
  okta,
  auth0,
  keycloak,
  discord,
  spotify,
  reddit,
  twitch,
  linkedin,
  slack,
  dropbox,
];

/**
 * The preset of a name, or undefined.
 *
 * @example
 * ```ts
 * presetNamed('x-app')?.docs; // 'https://docs.x.com/fundamentals/authentication/oauth-2-0/bearer-tokens'
 * ```
 */
export function presetNamed(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}

/**
 * The strategy a preset is used with when the provider names none: its first.
 *
 * @example
 * ```ts
 * defaultStrategy(presetNamed('github')!); // 'device-code'
 * ```
 */
export function defaultStrategy(preset: Preset): string {
  return Object.keys(preset.strategies)[0]!;
}
