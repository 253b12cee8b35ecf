import { Option } from 'commander';
import type { CommandContext } from '../command-context.js';
import { CliError } from '../cli-error.js';
import { withProvider } from '../session.js';

const collect = (value: string, previous: string[]) => [...previous, value];

const EXAMPLES = `
Examples:
  $ tokensmith api sandbox-app /2/users/6253282/tweets --paginate --jq '.data[].text'   # the demo, offline
  $ tokensmith api x-user /2/users/me
  $ tokensmith api x-user -X POST /2/tweets -f text='hello from tokensmith'
  $ tokensmith api x-oauth1 /1.1/statuses/update.json --form -f status='signed with OAuth 1.0a'
  $ tokensmith api mastodon /api/v1/accounts/verify_credentials --jq .username
  $ tokensmith api github /user/repos --paginate --slurp --jq 'map(.full_name)'
  $ echo '{"text":"from a file"}' | tokensmith api x-user /2/tweets --input -

A path resolves under the provider's baseUrl; a full URL must be on baseUrl's origin or one of its
allowedOrigins (anything else is refused before a request). -f sends strings, -F typed values
(numbers, true/false/null, @file, @- for stdin): in the query for GET/DELETE, else as a JSON body,
or a form body with --form (OAuth 1.0a signs it). HTTP errors print the body and exit 2 (401/403),
3 (429, 5xx) or 1 (other 4xx).`;

/** Registers `tokensmith api`. */
export function registerApiCommand({ program, io, global }: CommandContext): void {
  program
    .command('api')
    .description("call any endpoint of a provider's API with its credentials (gh api for every OAuth API)")
    .argument('[provider]', 'provider name from the config (default: defaultProvider)')
    // Optional for commander, required here: commander fills positionals left to right, so with one
    // argument `[provider] <path-or-url>` would take the path as the provider.
    .argument('[path-or-url]', "a path under the provider's baseUrl (/2/users/me) or a full URL on an allowed origin")
    .usage('[options] [provider] <path-or-url>')
    .option('-X, --method <method>', 'HTTP method (default GET, or POST with fields or --input)')
    .option('-H, --header <header>', "a request header 'Name: value' (repeatable; not Authorization)", collect, [])
    .option('-f, --raw-field <key=value>', 'a string parameter (repeatable)', collect, [])
    .option('-F, --field <key=value>', 'a typed parameter: number, true/false/null, @file, @- (repeatable)', collect, [])
    .option('--input <file>', "the request body from a file, or '-' for stdin (streamed)")
    .option('--form', 'send the fields as application/x-www-form-urlencoded (X v1.1 endpoints)')
    .option('-i, --include', 'print the status line and the response headers first')
    .option('-q, --jq <expr>', 'filter the JSON answer with jq (strings printed raw)')
    .option('--silent', 'print nothing on success')
    .option('--paginate', 'follow every page (Link rel="next", X v2 next_token, X v1.1 cursor); GET, fields in the query')
    .option('--slurp', 'with --paginate: one JSON array of all pages')
    .addOption(new Option('--max-pages <n>', 'with --paginate: read at most n pages (default 100)'))
    .option('--no-browser', 'do not open a browser for a login; print the URL instead')
    .addHelpText('after', EXAMPLES)
    .action(async (first: string | undefined, second: string | undefined, flags: Record<string, unknown>) => {
      // One positional means the path (gh's shape); two mean provider and path.
      const [name, target] = second === undefined ? [undefined, first] : [first, second];
      if (target === undefined) throw new CliError('usage', 'tokensmith api needs a path or URL, e.g. tokensmith api /2/users/me');
      const maxPagesText = flags.maxPages as string | undefined;
      const maxPages = maxPagesText === undefined ? undefined : Number(maxPagesText);
      if (maxPages !== undefined && (!/^\d+$/.test(maxPagesText!) || maxPages < 1))
        throw new CliError('usage', '--max-pages must be a whole number >= 1');
      await withProvider(io, global(), name, { browser: flags.browser !== false }, async (session) => {
        const { runApi } = await import('./api.js');
        await runApi(io, session, {
          target,
          method: flags.method as string | undefined,
          header: flags.header as string[],
          rawField: flags.rawField as string[],
          field: flags.field as string[],
          input: flags.input as string | undefined,
          form: flags.form as boolean | undefined,
          include: flags.include as boolean | undefined,
          jq: flags.jq as string | undefined,
          silent: flags.silent as boolean | undefined,
          paginate: flags.paginate as boolean | undefined,
          slurp: flags.slurp as boolean | undefined,
          maxPages,
        });
      });
    });
}
