import { create } from 'zustand';
import { api, setToken, setUnauthorizedHandler } from './lib/api';
import { load, save } from './lib/persist';

export interface User {
  id: string;
  email: string;
  username: string;
  created_at: string;
}

interface Session {
  token: string;
  expires_at: string;
  user: User;
}

interface SessionState {
  session: Session | null;
  authOpen: boolean;
  authReason: string | null;
  signIn(email: string, password: string): Promise<void>;
  register(email: string, password: string, username: string): Promise<void>;
  /** Ends the session here; with revoke (the default), also on the server, which signs out every device. */
  signOut(revoke?: boolean): void;
  openAuth(reason?: string): void;
  closeAuth(): void;
}

const KEY = 'coderemote.session';

function restore(): Session | null {
  const s = load<Session | null>(KEY, null);
  if (!s || new Date(s.expires_at).getTime() <= Date.now()) return null;
  return s;
}

// useSession is the signed-in user and their token, kept across reloads
// until the token expires or the server refuses it.
export const useSession = create<SessionState>((set, get) => {
  const begin = (s: Session) => {
    save(KEY, s);
    setToken(s.token);
    set({ session: s, authOpen: false, authReason: null });
  };
  return {
    session: restore(),
    authOpen: false,
    authReason: null,
    async signIn(email, password) {
      begin(await api<Session>('POST', '/auth/login', { email, password }));
    },
    async register(email, password, username) {
      begin(await api<Session>('POST', '/auth/register', { email, password, username: username || undefined }));
    },
    signOut(revoke = true) {
      const current = get().session;
      if (revoke && current) {
        // Best effort: the token is forgotten here whatever the server says.
        fetch('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${current.token}` } }).catch(() => {});
      }
      save(KEY, null);
      setToken(null);
      set({ session: null });
    },
    openAuth: (reason) => set({ authOpen: true, authReason: reason ?? null }),
    closeAuth: () => set({ authOpen: false, authReason: null }),
  };
});

setToken(useSession.getState().session?.token ?? null);
setUnauthorizedHandler(() => {
  useSession.getState().signOut(false);
  useSession.getState().openAuth('Your session has ended. Sign in again.');
});
