import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import type { Role, User } from '../api/types';
import { effectiveRole, type SessionEnd } from './guard';

type Status = 'restoring' | 'anonymous' | 'authenticated';

export interface Auth {
  status: Status;
  user: User | null;
  role: Role | null;
  /** Why the session just ended; the route guard words the trip to /app/login after it. */
  ended: SessionEnd;
  login: (email: string, password: string) => Promise<Role | null>;
  logout: () => Promise<void>;
}

const Ctx = createContext<Auth | null>(null);

async function currentUser(): Promise<User> {
  return api.lastUser ?? (await api.get<User>('/auth/me'));
}

/**
 * Session state. Navigation is left to the route guard (one place decides where to go),
 * so ending a session only changes state here. The session is the browser's (a cookie the
 * tabs share, docs/ui.md): a new tab or a reload restores it with a silent refresh, and
 * what another tab does (login, refresh, logout, expiry) arrives through the api client.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status>(api.hasAccessToken ? 'authenticated' : 'restoring');
  const [user, setUser] = useState<User | null>(null);
  const [ended, setEnded] = useState<SessionEnd>(null);
  const restoring = useRef(false);

  const end = useCallback(
    (why: SessionEnd) => {
      setUser(null);
      setStatus('anonymous');
      setEnded(why);
      qc.clear();
    },
    [qc],
  );

  // Refresh refused (expired or revoked session) → login page with "Sessão expirada…".
  useEffect(() => {
    api.onSessionExpired = () => end('expired');
    return () => {
      api.onSessionExpired = null;
    };
  }, [end]);

  // Another tab logged in or refreshed (its access token is now ours too) or logged out.
  useEffect(() => {
    api.onSessionChanged = (change) => {
      if (change.kind === 'logout') {
        end('logout');
        return;
      }
      setUser((prev) => {
        if (prev && change.user && prev.id !== change.user.id) qc.clear(); // someone else now
        return change.user ?? prev;
      });
      setEnded(null);
      setStatus('authenticated');
    };
    return () => {
      api.onSessionChanged = null;
    };
  }, [end, qc]);

  // A new tab or a reload: the session cookie (if any) buys an access token, silently —
  // unless another tab's token arrived first (its message can come before this effect).
  useEffect(() => {
    if (restoring.current) return;
    restoring.current = true;
    (async () => {
      try {
        const result = api.hasAccessToken ? 'ok' : await api.refreshSession();
        if (result === 'none') {
          setStatus('anonymous');
          return;
        }
        if (result !== 'ok') {
          end('expired');
          return;
        }
        const u = await currentUser();
        setUser(u);
        setStatus('authenticated');
      } catch {
        setStatus('anonymous');
      } finally {
        restoring.current = false;
      }
    })();
  }, [end]);

  const login = useCallback(
    async (email: string, password: string) => {
      await api.login(email, password);
      const u = await currentUser();
      qc.clear();
      setUser(u);
      setEnded(null);
      setStatus('authenticated');
      return effectiveRole(u);
    },
    [qc],
  );

  const logout = useCallback(async () => {
    await api.logout();
    end('logout');
  }, [end]);

  const value = useMemo<Auth>(
    () => ({ status, user, role: effectiveRole(user), ended, login, logout }),
    [status, user, ended, login, logout],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): Auth {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
