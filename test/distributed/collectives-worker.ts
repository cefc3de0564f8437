/**
 * A worker for test/distributed/process-group.test.ts, started by the launcher (one per rank):
 * `collectives-worker.js MODE [...]`. It joins the default process group with a short timeout
 * (a hang guard: the collectives end with an Error long before the tests' own guard) and prints
 * one JSON line of results.
 */
import { allGather, allReduce, barrier, broadcast, destroyProcessGroup, getRank, getWorldSize, initProcessGroup, isInitialized } from '../../lib/distributed';
import { tensor } from '../../lib/tensor';

const [mode, ...rest] = process.argv.slice(2);
const timeoutMs = 20000;

function values(t: { toArray(): unknown }): unknown {
  return t.toArray();
}

switch (mode) {
  case 'collectives': {
    const before = isInitialized();
    initProcessGroup({ backend: 'gloo', timeoutMs });
    const rank = getRank();
    const worldSize = getWorldSize();
    const out: Record<string, unknown> = { rank, worldSize, before, after: isInitialized() };
    // Rank-dependent values whose reductions differ for every op.
    const mk = () => tensor([rank + 1, 10 - 3 * rank, 0.5 * (rank + 2)], { dtype: 'float64' });
    for (const op of ['sum', 'avg', 'min', 'max', 'product'] as const) {
      const t = mk();
      allReduce(t, { op });
      out[op] = values(t);
    }
    const i = tensor([rank, 2 * rank], { dtype: 'int64' });
    allReduce(i);
    out.int64Sum = values(i);
    // A strided view is reduced in place too: the transpose of a 2×2 matrix.
    const m = tensor([[rank, 1], [2, 3 * rank]], { dtype: 'float32' });
    const mt = m.transpose(0, 1);
    allReduce(mt, { op: 'max' });
    out.transposedMax = values(m);
    const b = tensor([rank * 7 + 1, rank], { dtype: 'float64' });
    broadcast(b, { src: worldSize - 1 });
    out.broadcast = values(b);
    out.gathered = allGather(tensor([rank, rank * rank], { dtype: 'float32' })).map(values);
    barrier();
    destroyProcessGroup();
    out.destroyed = !isInitialized();
    console.log(JSON.stringify(out));
    break;
  }
  case 'peer-dies': {
    // Rank `rest[0]` ends abruptly after the first allReduce; the others call a second one.
    initProcessGroup({ backend: 'gloo', timeoutMs: Number(rest[1] ?? timeoutMs) });
    const t = tensor([1], { dtype: 'float64' });
    allReduce(t);
    if (getRank() === Number(rest[0])) process.kill(process.pid, 'SIGKILL');
    try {
      allReduce(t);
      console.log(JSON.stringify({ rank: getRank(), survived: true }));
    } catch (e) {
      console.log(JSON.stringify({ rank: getRank(), error: (e as Error).message }));
      process.exit(3);
    }
    break;
  }
  case 'init-error': {
    try {
      initProcessGroup({ backend: 'gloo', timeoutMs: Number(rest[0] ?? timeoutMs) });
      console.log(JSON.stringify({ rank: getRank(), initialised: true }));
    } catch (e) {
      console.log(JSON.stringify({ rank: process.env.RANK, error: (e as Error).message, name: (e as Error).name }));
      process.exit(3);
    }
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
