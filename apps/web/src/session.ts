// The signed-in key lives in this tab's sessionStorage only: gone when the tab closes, never in a
// URL or a cookie, unreadable by other origins.
const STORAGE_KEY = 'podfleet.session';

export type Role = 'listener' | 'operator';
export interface Session {
  key: string;
  role: Role;
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    return typeof parsed.key === 'string' && (parsed.role === 'listener' || parsed.role === 'operator')
      ? { key: parsed.key, role: parsed.role }
      : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}
