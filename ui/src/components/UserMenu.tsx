import { useState } from 'react';
import { useLibrary } from '../library';
import { useSession } from '../session';

// UserMenu is the top bar's sign-in button, or the signed-in user's menu.
export function UserMenu() {
  const session = useSession((s) => s.session);
  const openAuth = useSession((s) => s.openAuth);
  const signOut = useSession((s) => s.signOut);
  const [open, setOpen] = useState(false);
  if (!session) {
    return (
      <button onClick={() => openAuth()} data-testid="sign-in">
        Sign in
      </button>
    );
  }
  return (
    <div className="user-menu">
      <button className="ghost" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="user-menu">
        {session.user.username || session.user.email} ▾
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="muted">{session.user.email}</div>
          <button
            role="menuitem"
            onClick={() => {
              setOpen(false);
              useLibrary.getState().eject();
              signOut();
            }}
          >
            Sign out
          </button>
        </div>
      )}
    </div>
  );
}
