#!/usr/bin/env node
// The `shoal` command: registers tsx so Node runs the TypeScript sources directly, then starts the
// CLI in this same process (no child process, so signals and exit codes need no forwarding).
import { register } from 'tsx/esm/api';

register();
await import('../main.ts');
