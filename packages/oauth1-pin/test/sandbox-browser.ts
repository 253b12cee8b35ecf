// Plays the user's part on the sandbox's authorize page, the way a browser would.
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';

export interface Decision {
  status: number;
  html: string;
  /** The PIN in `<output id="pin">`, when the page shows one. */
  pin: string | undefined;
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

/** Opens the authorize page and submits its form with `action` (approve or deny). */
export async function decide(
  authorizeUrl: string,
  action: 'approve' | 'deny',
  login: { username: string; password: string } = { username: DEMO_CREDENTIALS.user.screenName, password: DEMO_CREDENTIALS.user.password },
): Promise<Decision> {
  const page = await fetch(authorizeUrl);
  const form = await page.text();
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}`);
  const target = /<form method="post" action="([^"]+)">/.exec(form)?.[1];
  if (!target) throw new Error('authorize page has no form');
  const fields = new URLSearchParams();
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.append(match[1]!, unescapeHtml(match[2]!));
  fields.set('username', login.username);
  fields.set('password', login.password);
  fields.set('action', action);
  const answer = await fetch(new URL(unescapeHtml(target), authorizeUrl), { method: 'POST', body: fields });
  const html = await answer.text();
  return { status: answer.status, html, pin: /<output id="pin"[^>]*>(\d{7})<\/output>/.exec(html)?.[1] };
}

/** Approves and returns the PIN (throws when no PIN is shown). */
export async function approve(authorizeUrl: string): Promise<string> {
  const { pin, status } = await decide(authorizeUrl, 'approve');
  if (!pin) throw new Error(`no PIN shown (HTTP ${status})`);
  return pin;
}
