import { defineConfig } from 'vitest/config';

// Two projects: code that touches the Worker runs inside workerd; the pure advisor core and the Node scripts run in Node.
export default defineConfig({
  test: {
    projects: ['./vitest.workers.config.ts', './vitest.node.config.ts', './vitest.e2e.config.ts'],
    // The Worker's structured request logs are for production; keep test output readable.
    onConsoleLog: (log) => !log.startsWith('{"level":"info"'),
  },
});
