// A minimal toast store usable from React and from plain code (query cache callbacks).

export type ToastKind = 'error' | 'success' | 'info';
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function getToasts(): Toast[] {
  return toasts;
}

export function subscribeToasts(l: () => void): () => void {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

/** Shows a toast; the same text already on screen is not repeated. */
export function pushToast(kind: ToastKind, text: string, ttlMs = 6000): number {
  const dup = toasts.find((t) => t.text === text && t.kind === kind);
  if (dup) return dup.id;
  const id = nextId++;
  toasts = [...toasts.slice(-4), { id, kind, text }];
  emit();
  if (ttlMs > 0) setTimeout(() => dismissToast(id), ttlMs);
  return id;
}
