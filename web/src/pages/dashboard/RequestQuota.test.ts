// Server-side render of the dashboard's monthly request quota card (no DOM needed).
import { describe, expect, it } from 'vitest';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nProvider } from '../../i18n/I18nProvider';
import { RequestQuota } from './Overview';

const render = (used: number | undefined, limit: number | undefined) =>
  renderToStaticMarkup(h(I18nProvider, null, h(RequestQuota, { used, limit })));

describe('RequestQuota', () => {
  it('shows "N de M requisições este mês" and a bar, no banner below 80 %', () => {
    const html = render(100, 1000);
    expect(html).toContain('100 de 1.000 requisições este mês');
    expect(html).toContain('role="progressbar"');
    expect(html).not.toContain('quota-warn"');
    expect(html).not.toContain('quota-reached"');
  });
  it('warns at 80 % and says the limit is reached at 100 % or over (bar capped)', () => {
    expect(render(800, 1000)).toContain('data-testid="quota-warn"');
    const over = render(1500, 1000);
    expect(over).toContain('data-testid="quota-reached"');
    expect(over).toContain('width:100%');
  });
  it('renders nothing without a limit', () => {
    expect(render(5, 0)).toBe('');
    expect(render(5, undefined)).toBe('');
  });
});
