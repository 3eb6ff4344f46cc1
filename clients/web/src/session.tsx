import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { makeClient } from './client';

export type Role = 'CUSTOMER' | 'VENDOR' | 'ADMIN';
export interface SessionUser {
  id: string;
  name: string;
  role: Role;
}
interface Session {
  token: string | null;
  user: SessionUser | null;
  signIn(token: string, user: SessionUser): void;
  signOut(): void;
}

const KEY = 'cloudlab.session';
const SessionContext = createContext<Session | null>(null);

function stored(): { token: string; user: SessionUser } | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as { token: string; user: SessionUser }) : null;
  } catch {
    return null;
  }
}

/** Who is signed in (token and user kept in localStorage), and a GraphQL client that sends the token. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState(stored);
  const signIn = useCallback((token: string, user: SessionUser) => {
    localStorage.setItem(KEY, JSON.stringify({ token, user }));
    setState({ token, user });
  }, []);
  const signOut = useCallback(() => {
    localStorage.removeItem(KEY);
    setState(null);
  }, []);
  const token = state?.token ?? null;
  const { client, close } = useMemo(() => makeClient(token), [token]);
  useEffect(() => close, [close]);
  const session = useMemo<Session>(() => ({ token, user: state?.user ?? null, signIn, signOut }), [token, state, signIn, signOut]);
  return (
    <SessionContext.Provider value={session}>
      <Provider value={client}>{children}</Provider>
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
