#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the CLI and the app share one source tree with no build step.
import { register } from 'tsx/esm/api';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
register();
await import('../src/cli/main.ts');
