#!/usr/bin/env node
import { answerHelpQuickly } from './quick-help.js';

// `--help` and `--version` are answered from pages captured at build time; every other command
// loads the CLI (main.ts).
if (!answerHelpQuickly(process.argv.slice(2))) await import('./main.js');
