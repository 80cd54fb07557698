/**
 * Runs one benchmark group in its own process (so one library's JIT and heap state cannot leak
 * into another group's figures) and prints its result as JSON on the last stdout line.
 */
const group = process.argv[2];
const { run } = await import(`../groups/${group}.mjs`);
const result = await run();
process.stdout.write(`${JSON.stringify(result)}\n`);
