#!/usr/bin/env node
// Launcher for `npx edgetune …`: registers tsx so the TypeScript CLI runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../scripts/advise-cli.ts', import.meta.url).href);
