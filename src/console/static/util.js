// Shared helpers of the console: htm bound to Preact, data hooks (load,
// poll), formatting of numbers, rates, times and sizes.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

/** Loads `fn()` when `deps` change, and again every `every` ms when given (live pages). */
export function useData(fn, deps, every) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const seq = useRef(0);
  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const data = await fn();
      if (mine === seq.current) setState({ data, error: undefined, loading: false, at: new Date() });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ ...s, error, loading: false }));
    }
  }, deps);
  useEffect(() => {
    setState((s) => ({ ...s, loading: true }));
    load();
    if (!every) return undefined;
    const t = setInterval(() => document.visibilityState === 'visible' && load(), every);
    return () => clearInterval(t);
  }, [load, every]);
  return { ...state, reload: load };
}

const nf = new Intl.NumberFormat('en');
export const num = (n) => (n === null || n === undefined ? '–' : nf.format(n));
export const pct = (x, digits = 1) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)} %`);
export const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);

export function when(iso) {
  if (!iso) return '–';
  const d = new Date(typeof iso === 'number' ? iso : iso);
  return d.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function ago(iso) {
  if (!iso) return '–';
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export const sum = (a) => (a ?? []).reduce((x, y) => x + (y ?? 0), 0);

/** Debounced copy of a value (search boxes). */
export function useDebounced(value, ms = 250) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
