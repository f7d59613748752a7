// The console's shell: sign-in (operator token or tenant API key, kept in
// sessionStorage), the navigation for each kind of user, and the hash router
// (#/tenants/acme …), so the gateway only ever serves `/`.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { clearSession, login, saveSession, session, whenUnauthorized } from './api.js';
import { Dashboard } from './dashboard.js';
import { MessagePage, Messages } from './messages.js';
import { TenantPage } from './tenant.js';
import { Tenants } from './tenants.js';
import { TenantStanding } from './tenant-self.js';
import { html } from './util.js';

function useHash() {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function Login({ onLogin }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const s = await login(token);
      saveSession(s);
      setToken('');
      onLogin(s);
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="login">
    <form class="card login-card" onSubmit=${submit} autocomplete="off">
      <div class="brand big"><img src="/console/favicon.svg" alt="" width="32" height="32" /> Outpost</div>
      <p class="muted">Operators sign in with an operator token (<code>outpost admin token create NAME</code>); tenants with one of their API keys.</p>
      <label class="field"><span>Token or API key</span>
        <input type="password" name="token" value=${token} onInput=${(e) => setToken(e.currentTarget.value)} autofocus required spellcheck="false" />
      </label>
      ${error ? html`<div class="error" role="alert">${error}</div>` : null}
      <button class="btn primary wide" type="submit" disabled=${busy}>${busy ? 'Checking…' : 'Sign in'}</button>
      <p class="muted small">The token stays in this browser tab only (session storage) and is sent as a bearer header.</p>
    </form>
  </main>`;
}

const NAV = {
  operator: [['#/', 'Dashboard'], ['#/tenants', 'Tenants'], ['#/quarantine', 'Quarantine'], ['#/pools', 'Pools & IPs'], ['#/messages', 'Messages']],
  tenant: [['#/', 'Dashboard'], ['#/messages', 'Messages'], ['#/quarantine', 'Quarantine'], ['#/suppression', 'Suppression'], ['#/standing', 'Standing']],
};

function route(hash, s) {
  const [path] = hash.slice(1).split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const k = s.kind;
  switch (parts[0]) {
    case undefined:
      return html`<${Dashboard} kind=${k} />`;
    case 'tenants':
      if (k !== 'operator') break;
      if (parts[2] === 'suppressions') return lazy('./suppression.js', 'Suppression', { kind: k, tenant: parts[1], key: hash });
      return parts[1] ? html`<${TenantPage} id=${parts[1]} key=${parts[1]} />` : html`<${Tenants} />`;
    case 'messages':
      return parts[1] ? html`<${MessagePage} id=${parts[1]} kind=${k} key=${parts[1]} />` : html`<${Messages} kind=${k} key=${hash} />`;
    case 'quarantine':
      return lazy('./quarantine.js', parts[1] ? 'QuarantineItem' : 'Quarantine', { id: parts[1], kind: k, key: hash });
    case 'pools':
      if (k !== 'operator') break;
      return lazy('./pools.js', 'Pools', {});
    case 'suppression':
      if (k !== 'tenant') break;
      return lazy('./suppression.js', 'Suppression', { kind: k });
    case 'standing':
      if (k !== 'tenant') break;
      return html`<${TenantStanding} />`;
    default:
  }
  return html`<div class="page"><h1>Not found</h1><p><a href="#/">Back to the dashboard</a></p></div>`;
}

// Pages loaded on first use (each is one module of this folder).
const loaded = {};
function Lazy({ mod, name, props }) {
  const [, force] = useState(0);
  const key = `${mod}#${name}`;
  useEffect(() => {
    if (loaded[key]) return;
    import(mod)
      .then((m) => (loaded[key] = m[name] ?? (() => html`<div class="page"><p class="muted">This page is not available on this gateway.</p></div>`)))
      .catch(() => (loaded[key] = () => html`<div class="page"><p class="muted">This page is not available on this gateway.</p></div>`))
      .finally(() => force((n) => n + 1));
  }, [key]);
  const C = loaded[key];
  return C ? html`<${C} ...${props} />` : html`<div class="page"><p class="muted">Loading…</p></div>`;
}
function lazy(mod, name, props) {
  return html`<${Lazy} mod=${mod} name=${name} props=${props} key=${props.key ?? name} />`;
}

function App() {
  const [s, setS] = useState(session());
  const hash = useHash();
  useEffect(() => whenUnauthorized(() => setS(null)), []);
  if (!s) return html`<${Login} onLogin=${setS} />`;
  const active = (h) => (h === '#/' ? hash === '#/' || hash === '#' : hash.startsWith(h));
  return html`<div class="shell">
    <nav class="side">
      <a class="brand" href="#/"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Outpost</a>
      <ul>${NAV[s.kind].map(([h, label]) => html`<li><a href=${h} class=${active(h) ? 'on' : ''}>${label}</a></li>`)}</ul>
      <div class="who">
        <div class="small muted">${s.kind === 'operator' ? 'Operator' : 'Tenant'}</div>
        <div class="who-name">${s.who}</div>
        <button class="btn small-btn" onClick=${() => (clearSession(), setS(null), (location.hash = '#/'))}>Sign out</button>
      </div>
    </nav>
    <main class="content">${route(hash, s)}</main>
  </div>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
