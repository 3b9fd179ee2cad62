import { describe, expect, it } from 'vitest';
import { ApiError } from './client';
import { ERROR_SHOWN_INLINE } from './errors';
import { makeQueryClient } from './queryClient';
import { dismissToast, getToasts } from '../lib/toasts';

const refusal = () => Promise.reject(new ApiError('forbidden', 403, { detail: 'the creator cannot approve' }));

async function failWith(meta?: Record<string, unknown>) {
  for (const t of getToasts()) dismissToast(t.id); // the same text twice is one toast
  const qc = makeQueryClient();
  await qc
    .getMutationCache()
    .build(qc, { mutationFn: refusal, meta })
    .execute(undefined)
    .catch(() => undefined);
  return getToasts().length;
}

describe('makeQueryClient', () => {
  it('toasts a failed write', async () => {
    expect(await failWith()).toBe(1);
  });
  it('stays quiet for a write whose page shows the error itself (the approval queue)', async () => {
    expect(await failWith(ERROR_SHOWN_INLINE)).toBe(0);
  });
});
