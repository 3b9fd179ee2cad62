// The card of the pages seen without a session (login, the reset link): brand, language
// switch and title above the page's own content.

import type { ReactNode } from 'react';
import { LanguageSwitch } from './ui';

export function AuthCard({
  testId,
  id,
  title,
  children,
}: {
  testId: string;
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <div className="login-wrap">
      <main className="login-card" data-testid={testId} aria-labelledby={`${id}-title`}>
        <div className="login-top">
          <div className="brand brand-large">
            <span className="brand-mark" aria-hidden="true">
              ▲
            </span>{' '}
            Painel <span className="brand-sub">AlquimistaAI</span>
          </div>
          <LanguageSwitch id={`${id}-lang`} />
        </div>
        <h1 id={`${id}-title`}>{title}</h1>
        {children}
      </main>
    </div>
  );
}
