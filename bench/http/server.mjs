/**
 * One benchmark server, in its own process so that autocannon's load and the server never share
 * an event loop. Started with `fork`; reports `{ port }` or `{ error }` over IPC, answers `'cpu'`
 * with its CPU time so far, and exits when the parent disconnects.
 */
import { startApp } from './apps.mjs';

const [framework, variant] = process.argv.slice(2);
try {
  const port = await startApp(framework, variant);
  process.send({ port });
} catch (error) {
  process.send({ error: String(error?.stack ?? error) });
  process.exit(1);
}
// CPU time the server has used, so the parent can charge each run its CPU per request: a figure
// the load of other processes on a shared machine disturbs far less than throughput.
process.on('message', (m) => {
  if (m === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpu: user + system });
  }
});
process.on('disconnect', () => process.exit(0));
