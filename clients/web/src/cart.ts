import { useCallback, useSyncExternalStore } from 'react';

export interface CartLine {
  productId: string;
  name: string;
  price: { amount: string; currency: string };
  quantity: number;
}

const KEY = 'cloudlab.cart';
const listeners = new Set<() => void>();
let cache: { raw: string | null; lines: CartLine[] } = { raw: null, lines: [] };

function read(): CartLine[] {
  const raw = localStorage.getItem(KEY);
  if (raw !== cache.raw) {
    try {
      cache = { raw, lines: raw ? (JSON.parse(raw) as CartLine[]) : [] };
    } catch {
      cache = { raw, lines: [] };
    }
  }
  return cache.lines;
}
function write(lines: CartLine[]) {
  localStorage.setItem(KEY, JSON.stringify(lines));
  listeners.forEach((l) => l());
}
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => e.key === KEY && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
};

/** The cart, kept in the browser (localStorage, shared by the tabs of this origin). */
export function useCart() {
  const lines = useSyncExternalStore(subscribe, read);
  const add = useCallback((line: Omit<CartLine, 'quantity'>, quantity = 1) => {
    const current = read();
    const existing = current.find((l) => l.productId === line.productId);
    write(existing ? current.map((l) => (l === existing ? { ...l, quantity: l.quantity + quantity } : l)) : [...current, { ...line, quantity }]);
  }, []);
  const setQuantity = useCallback((productId: string, quantity: number) => {
    write(read().flatMap((l) => (l.productId !== productId ? [l] : quantity > 0 ? [{ ...l, quantity }] : [])));
  }, []);
  const clear = useCallback(() => write([]), []);
  const count = lines.reduce((n, l) => n + l.quantity, 0);
  return { lines, count, add, setQuantity, clear };
}
