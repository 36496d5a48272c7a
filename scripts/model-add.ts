/**
 * `npm run model:add -- PATH_OR_URL --id ID [--labels FILE] …` (see --help): copies a TensorFlow.js model (layers or
 * graph format) into `models/ID/` with its manifest, checks that the copy runs, and regenerates models/index.ts.
 * Exit 0 on success, 2 on bad input (nothing written), 1 on an unexpected failure.
 */
import { runModelAdd } from './lib/model-add/cli.js';

// Exit explicitly: fetch's keep-alive sockets would otherwise hold the process open for a few seconds.
runModelAdd(process.argv.slice(2)).then((code) => process.exit(code));
