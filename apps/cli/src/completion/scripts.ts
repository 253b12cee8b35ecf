import type { CommandSpec, CompletionShell, CompletionSpec, FlagSpec } from './spec.js';

// The completion scripts, written from the spec (completion/spec.ts). Each completes commands, flags
// and fixed flag values itself, and asks `tokensmith [--config PATH] __complete providers` (or
// `accounts PROVIDER`) for the names in the config: one line a name, no network, no store unlock.
// Names are added as literal words (bash: COMPREPLY entries, zsh: compadd, fish: one a line), never
// through `compgen -W`, which would expand `$(...)` in a name a cloned repository's config chose.

const words = (flags: readonly FlagSpec[]) => flags.flatMap((flag) => [flag.long, flag.short].filter((w): w is string => !!w));
const valued = (flags: readonly FlagSpec[]) => words(flags.filter((flag) => flag.takesValue));
/** Shell words as they stand in a script: every name here is commander's (letters, digits, `-`), checked anyway. */
function plain(list: readonly string[]): string {
  for (const word of list)
    if (!/^[A-Za-z0-9][A-Za-z0-9:._-]*$|^--?[A-Za-z0-9][A-Za-z0-9-]*$/.test(word)) throw new Error(`not a plain word: ${word}`);
  return list.join(' ');
}
/** `a|b|c` for a case pattern (a pattern that matches nothing when the list is empty). */
const alternatives = (list: readonly string[]) => (list.length ? plain(list).replace(/ /g, '|') : '__tokensmith_none__');
const commandsWith = (spec: CompletionSpec, at: number, kind: CommandSpec['args'][number]) =>
  spec.commands.filter((command) => command.args[at] === kind).map((command) => command.name);
/** Each (command, flag) pair whose flag has fixed values, the global flags' pairs under `*`. */
function fixedValues(spec: CompletionSpec): Array<{ command: string; flag: string; values: readonly string[] }> {
  const pairs = (command: string, flags: readonly FlagSpec[]) =>
    flags.flatMap((flag) => (flag.values ? words([flag]).map((w) => ({ command, flag: w, values: flag.values! })) : []));
  return [...spec.commands.flatMap((command) => pairs(command.name, command.flags)), ...pairs('*', spec.globalFlags)];
}

function bash(spec: CompletionSpec): string {
  const commandNames = spec.commands.map((command) => command.name);
  const perCommandValued = spec.commands.flatMap((command) => valued(command.flags).map((flag) => `${command.name}:${flag}`));
  return `# tokensmith completion for bash. Load it with:
#   source <(tokensmith completion bash)        # in ~/.bashrc
# Provider and account names come from \`tokensmith __complete\`, which reads names from the config only.

_tokensmith_takes_value() {
  case "$2" in ${alternatives(valued(spec.globalFlags))}) return 0 ;; esac
  case "$1:$2" in ${alternatives(perCommandValued)}) return 0 ;; esac
  return 1
}

# Adds each argument that starts with the word being completed.
_tokensmith_reply() {
  local word
  for word in "$@"; do [[ $word == "$cur"* ]] && COMPREPLY+=("$word"); done
}

# Adds the config's names (one a line from \`tokensmith __complete $@\`), each as a literal word.
_tokensmith_reply_names() {
  local name
  while IFS= read -r name; do
    [[ -n $name && $name == "$cur"* ]] && COMPREPLY+=("$name")
  done < <("$bin" "\${config[@]}" __complete "$@" 2>/dev/null)
}

_tokensmith() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" bin="\${COMP_WORDS[0]}" cmd="" provider="" word
  local -a config=()
  local -i i positionals=0
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      -c|--config) config=(--config "\${COMP_WORDS[i+1]}"); (( i++ )); continue ;;
      --config=*) config=("$word"); continue ;;
    esac
    if [[ $word == -* ]]; then
      _tokensmith_takes_value "$cmd" "$word" && (( i++ ))
      continue
    fi
    if [[ -z $cmd ]]; then cmd="$word"
    else
      (( positionals++ ))
      (( positionals == 1 )) && provider="$word"
    fi
  done

  case "$prev" in
    -c|--config) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
    --account) _tokensmith_reply_names accounts "$provider"; return 0 ;;
  esac
  case "$cmd:$prev" in
${fixedValues(spec)
  .map(
    ({ command, flag, values }) =>
      `    ${command === '*' ? `*:${flag}` : `${command}:${flag}`}) _tokensmith_reply ${plain(values)}; return 0 ;;`,
  )
  .join('\n')}
  esac
  _tokensmith_takes_value "$cmd" "$prev" && return 0

  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then _tokensmith_reply ${plain(words(spec.globalFlags))}
    else _tokensmith_reply ${plain(commandNames)}
    fi
    return 0
  fi
  if [[ $cur == -* ]]; then
    case "$cmd" in
${spec.commands.map((command) => `      ${command.name}) _tokensmith_reply ${plain(words(command.flags))} ;;`).join('\n')}
    esac
    return 0
  fi
  case "$positionals:$cmd" in
    0:help) _tokensmith_reply ${plain(commandNames)} ;;
    0:completion) _tokensmith_reply bash zsh fish ;;
    ${alternatives(commandsWith(spec, 0, 'provider').map((name) => `0:${name}`))}) _tokensmith_reply_names providers ;;
    ${alternatives(commandsWith(spec, 1, 'account').map((name) => `1:${name}`))}) _tokensmith_reply_names accounts "$provider" ;;
  esac
  return 0
}

complete -F _tokensmith tokensmith
`;
}

function zsh(spec: CompletionSpec): string {
  const commandNames = spec.commands.map((command) => command.name);
  const perCommandValued = spec.commands.flatMap((command) => valued(command.flags).map((flag) => `${command.name}:${flag}`));
  return `#compdef tokensmith
# tokensmith completion for zsh. Load it with:
#   source <(tokensmith completion zsh)         # in ~/.zshrc, after compinit
# or save it as _tokensmith in a directory of $fpath.
# Provider and account names come from \`tokensmith __complete\`, which reads names from the config only.

_tokensmith_takes_value() {
  case "$2" in ${alternatives(valued(spec.globalFlags))}) return 0 ;; esac
  case "$1:$2" in ${alternatives(perCommandValued)}) return 0 ;; esac
  return 1
}

_tokensmith_names() {
  local -a names
  names=(\${(f)"$("$words[1]" $config __complete "$@" 2>/dev/null)"})
  compadd -- $names
}

_tokensmith() {
  local cur=$words[CURRENT] prev=$words[CURRENT-1] cmd= provider= word
  local -a config
  local -i i positionals=0
  for (( i = 2; i < CURRENT; i++ )); do
    word=$words[i]
    case $word in
      -c|--config) config=(--config "$words[i+1]"); (( i++ )); continue ;;
      --config=*) config=("$word"); continue ;;
    esac
    if [[ $word == -* ]]; then
      _tokensmith_takes_value "$cmd" "$word" && (( i++ ))
      continue
    fi
    if [[ -z $cmd ]]; then cmd=$word
    else
      (( positionals++ ))
      (( positionals == 1 )) && provider=$word
    fi
  done

  case $prev in
    -c|--config) _files; return ;;
    --account) _tokensmith_names accounts "$provider"; return ;;
  esac
  case "$cmd:$prev" in
${fixedValues(spec)
  .map(({ command, flag, values }) => `    ${command === '*' ? `*:${flag}` : `${command}:${flag}`}) compadd -- ${plain(values)}; return ;;`)
  .join('\n')}
  esac
  _tokensmith_takes_value "$cmd" "$prev" && return

  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then compadd -- ${plain(words(spec.globalFlags))}
    else compadd -- ${plain(commandNames)}
    fi
    return
  fi
  if [[ $cur == -* ]]; then
    case $cmd in
${spec.commands.map((command) => `      ${command.name}) compadd -- ${plain(words(command.flags))} ;;`).join('\n')}
    esac
    return
  fi
  case "$positionals:$cmd" in
    0:help) compadd -- ${plain(commandNames)} ;;
    0:completion) compadd -- bash zsh fish ;;
    ${alternatives(commandsWith(spec, 0, 'provider').map((name) => `0:${name}`))}) _tokensmith_names providers ;;
    ${alternatives(commandsWith(spec, 1, 'account').map((name) => `1:${name}`))}) _tokensmith_names accounts "$provider" ;;
  esac
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _tokensmith "$@"
else
  compdef _tokensmith tokensmith
fi
`;
}

/** A fish string literal: single quotes, `\\` and `'` escaped. */
const fishQuote = (text: string) => `'${text.replace(/[\\']/g, '\\$&')}'`;

function fishFlag(flag: FlagSpec, condition: string): string {
  const parts = ['complete -c tokensmith', `-n ${fishQuote(condition)}`];
  if (flag.long) parts.push(`-l ${flag.long.slice(2)}`);
  if (flag.short) parts.push(`-s ${flag.short.slice(1)}`);
  if (flag.takesValue) parts.push(flag.long === '--config' ? '-r -F' : '-x');
  if (flag.values) parts.push(`-a ${fishQuote(plain(flag.values))}`);
  else if (flag.long === '--account') parts.push(`-a ${fishQuote('(__tokensmith_names accounts (__tokensmith_args)[2])')}`);
  parts.push(`-d ${fishQuote(flag.description.split('\n')[0]!.slice(0, 80))}`);
  return parts.join(' ');
}

function fish(spec: CompletionSpec): string {
  const commandNames = spec.commands.map((command) => command.name);
  const lines = [
    '# tokensmith completion for fish. Load it with:',
    '#   tokensmith completion fish > ~/.config/fish/completions/tokensmith.fish',
    '# Provider and account names come from `tokensmith __complete`, which reads names from the config only.',
    '',
    '# The words before the cursor that are not flags (or flag values): the command, then its arguments.',
    'function __tokensmith_args',
    '    set -l tokens (commandline -opc)',
    '    set -e tokens[1]',
    '    set -l skip 0',
    '    for token in $tokens',
    '        if test $skip -eq 1',
    '            set skip 0',
    '            continue',
    '        end',
    `        if contains -- $token ${plain(valued([...spec.globalFlags, ...spec.commands.flatMap((command) => command.flags)]))}`,
    '            set skip 1',
    '            continue',
    '        end',
    "        string match -q -- '-*' $token; and continue",
    '        echo $token',
    '    end',
    'end',
    '',
    '# --config PATH as typed, for __complete.',
    'function __tokensmith_config',
    '    set -l tokens (commandline -opc)',
    '    set -l i (contains -i -- --config $tokens; or contains -i -- -c $tokens)',
    '    and set -q tokens[(math $i + 1)]',
    '    and echo --config\\n$tokens[(math $i + 1)]',
    'end',
    '',
    '# Names from the config: $argv is `providers` or `accounts PROVIDER`.',
    'function __tokensmith_names',
    '    set -l bin (commandline -opc)[1]',
    '    $bin (__tokensmith_config) __complete $argv 2>/dev/null',
    'end',
    '',
    '# True when the arguments so far are exactly $argv[2..] and the command is one of $argv[1] (space-separated).',
    'function __tokensmith_at',
    '    set -l args (__tokensmith_args)',
    '    test (count $args) -eq $argv[2]; or return 1',
    '    contains -- $args[1] (string split " " -- $argv[1])',
    'end',
    '',
    'complete -c tokensmith -f',
    ...spec.globalFlags.map((flag) => fishFlag(flag, 'true')),
    ...spec.commands.map(
      (command) => `complete -c tokensmith -n '__fish_use_subcommand' -a ${command.name} -d ${fishQuote(command.description.slice(0, 80))}`,
    ),
    ...spec.commands.flatMap((command) => command.flags.map((flag) => fishFlag(flag, `__fish_seen_subcommand_from ${command.name}`))),
    `complete -c tokensmith -n '__tokensmith_at help 1' -a ${fishQuote(plain(commandNames))}`,
    "complete -c tokensmith -n '__tokensmith_at completion 1' -a 'bash zsh fish'",
    `complete -c tokensmith -n ${fishQuote(`__tokensmith_at "${plain(commandsWith(spec, 0, 'provider'))}" 1`)} -a '(__tokensmith_names providers)'`,
    `complete -c tokensmith -n ${fishQuote(`__tokensmith_at "${plain(commandsWith(spec, 1, 'account'))}" 2`)} -a '(__tokensmith_names accounts (__tokensmith_args)[2])'`,
  ];
  return lines.join('\n') + '\n';
}

/**
 * The completion script for `shell`, from the program's spec.
 *
 * @example
 * ```ts
 * process.stdout.write(completionScript('bash', completionSpec(program))); // '# tokensmith completion for bash...'
 * ```
 */
export function completionScript(shell: CompletionShell, spec: CompletionSpec): string {
  return { bash, zsh, fish }[shell](spec);
}
