/**
 * The `corsica` executable: runs the command line and sets the exit code.
 * @module
 */
import { run } from './cli.js';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // an unexpected failure, not a finding: report it as a usage/configuration error
    process.stderr.write(`corsica: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
