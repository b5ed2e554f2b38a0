// A small worker pool. Cases run concurrently because presence cases mostly wait on server timers
// (idle timeout, sync timeout): a serial run would take the sum of those waits, a pooled one about the
// longest. This is also why cases do not run as mocha tests: mocha runs one process's tests serially
// (and parallelises only whole files across worker processes), which fights `--jobs` and the per-case
// model. The user-facing shapes (--grep on "<id> <title>", per-case timeouts, named reporters) follow
// mocha's all the same.
export async function runPool<T, R>(items: T[], jobs: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}
