// A write drops the cached reads it changes (invalidatePaths): a read on screen that was
// already on its way when the write answered must not keep the answer from before the
// write. The e2e flake this pins down: "Resolver" on an incident, then the "resolved"
// filter picked at once — its first fetch was read by the server before the resolve and
// answered after it, and the list stayed without the incident.

import { QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { invalidatePaths } from './admin';
import { makeQueryClient } from './queryClient';

/** A server whose list answers when the test says so, with the rows as they were when asked. */
function slowServer() {
  let rows = ['old'];
  const held: (() => void)[] = [];
  return {
    write(v: string[]) {
      rows = v;
    },
    read(signal: AbortSignal): Promise<string[]> {
      const snapshot = [...rows];
      return new Promise((resolve, reject) => {
        held.push(() => resolve(snapshot));
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    },
    answerAll() {
      for (const a of held.splice(0)) a();
    },
    get waiting() {
      return held.length;
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/** Lets the server answer every held read until `p` settles. */
async function answerUntil(server: ReturnType<typeof slowServer>, p: Promise<unknown>) {
  let done = false;
  void p.finally(() => (done = true));
  for (let i = 0; i < 50 && !done; i++) {
    server.answerAll();
    await tick();
  }
  expect(done).toBe(true);
}

describe('invalidatePaths', () => {
  it('asks again for a first fetch that was on its way during the write', async () => {
    const qc = makeQueryClient();
    const server = slowServer();
    const observer = new QueryObserver<string[]>(qc, {
      queryKey: ['/internal/incidents', { status: 'resolved' }],
      queryFn: ({ signal }) => server.read(signal),
      retry: false,
    });
    const stop = observer.subscribe(() => {});
    await tick();
    expect(server.waiting).toBe(1); // the first fetch, read before the write
    server.write(['old', 'resolved now']); // the write commits…
    // …its answer arrives and drops the list; only then does the first fetch answer, with
    // the rows from before the write.
    await answerUntil(server, invalidatePaths(qc, '/internal/incidents'));
    await tick();
    expect(observer.getCurrentResult().data).toEqual(['old', 'resolved now']);
    stop();
  });

  it('still refetches a query that already has data (cancelling the fetch in flight)', async () => {
    const qc = makeQueryClient();
    const server = slowServer();
    const observer = new QueryObserver<string[]>(qc, {
      queryKey: ['/internal/incidents', { status: 'open' }],
      queryFn: ({ signal }) => server.read(signal),
      retry: false,
    });
    const stop = observer.subscribe(() => {});
    await tick();
    server.answerAll();
    await tick();
    expect(observer.getCurrentResult().data).toEqual(['old']);
    void observer.refetch(); // a background refresh in flight
    await tick();
    server.write(['new']);
    await answerUntil(server, invalidatePaths(qc, '/internal/incidents'));
    await tick();
    expect(observer.getCurrentResult().data).toEqual(['new']);
    stop();
  });
});
