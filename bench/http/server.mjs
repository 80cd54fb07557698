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
// 'alloc-start' / 'alloc-stop': V8's sampling heap profiler, counting objects already collected
// too, answers the bytes allocated in between (bench/http-cost.mjs)
let session;
process.on('message', async (m) => {
  if (m === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpu: user + system });
  } else if (m === 'alloc-start') {
    const { Session } = await import('node:inspector/promises');
    session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    process.send({ alloc: 'started' });
  } else if (m === 'alloc-stop') {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    session.disconnect();
    let bytes = 0;
    const visit = (node) => {
      bytes += node.selfSize;
      for (const child of node.children) visit(child);
    };
    visit(profile.head);
    process.send({ alloc: bytes });
  }
});
process.on('disconnect', () => process.exit(0));
