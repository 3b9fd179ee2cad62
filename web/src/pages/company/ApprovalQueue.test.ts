// Server-side render of the four-eyes queue with a seeded react-query cache (no DOM needed).
import { describe, expect, it, vi } from 'vitest';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { I18nProvider } from '../../i18n/I18nProvider';

const auth = vi.hoisted(() => ({ role: 'INTERNAL_ADMIN' }));
vi.mock('../../auth/AuthProvider', () => ({ useAuth: () => auth }));
import { ApprovalQueue } from './ApprovalQueue';

const KEY = ['/internal/operations/commands', { status: 'AWAITING_APPROVAL', limit: 50, offset: 0 }];
const CMD = {
  command_id: 'c1',
  command_type: 'SUSPEND_TENANT',
  status: 'AWAITING_APPROVAL',
  tenant_id: 't1',
  created_by: 'u1',
};

function render(data: unknown): string {
  const qc = new QueryClient();
  if (data) qc.setQueryData(KEY, data);
  return renderToStaticMarkup(
    h(QueryClientProvider, { client: qc }, h(MemoryRouter, null, h(I18nProvider, null, h(ApprovalQueue)))),
  );
}

describe('ApprovalQueue', () => {
  it('is hidden while empty or not loaded', () => {
    expect(render({ commands: [], total: 0 })).toBe('');
    expect(render(null)).toBe('');
  });
  it('lists the commands with their own badge, and Approve/Reject for INTERNAL_ADMIN', () => {
    auth.role = 'INTERNAL_ADMIN';
    const html = render({ commands: [CMD], total: 1 });
    expect(html).toContain('data-testid="approval-queue"');
    expect(html).toContain('Aguardando aprovação');
    expect(html).toContain('badge badge-warn');
    expect(html).toContain('data-testid="approval-approve"');
    expect(html).toContain('data-testid="approval-reject"');
  });
  it('shows the queue without the buttons to support users', () => {
    auth.role = 'INTERNAL_SUPPORT';
    const html = render({ commands: [CMD], total: 1 });
    expect(html).toContain('data-testid="approval-row"');
    expect(html).not.toContain('approval-approve');
  });
});
