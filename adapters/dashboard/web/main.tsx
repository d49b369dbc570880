/**
 * The dashboard's page: sign in with an API token, the overview of every site, one site's page; kept current by
 * the live connection (live.ts), which re-reads the page's view once per batch of changes, never more than one
 * request at a time.
 */
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { api, ApiError, savedToken, saveToken } from './api.ts';
import { dateTime, kw, money } from './format.ts';
import { connectLive, type LiveState } from './live.ts';
import { Portfolios } from './portfolios.tsx';
import { SiteView } from './site-page.tsx';
import type { Me, Overview, SitePage } from './types.ts';

type Route = { readonly page: 'overview' } | { readonly page: 'site'; readonly siteId: string };

function routeOf(hash: string): Route {
  const m = /^#\/sites\/([^/]+)$/.exec(hash);
  return m ? { page: 'site', siteId: decodeURIComponent(m[1]!) } : { page: 'overview' };
}

function SignIn({ onSignedIn }: { onSignedIn: (token: string, me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    try {
      const me = await api<Me>(token.trim(), 'GET', '/v1/dashboard/me');
      onSignedIn(token.trim(), me);
    } catch (err) {
      setError(err instanceof ApiError ? (err.forField('authorization') ?? err.problem.errors?.[0]?.detail ?? err.message) : String(err));
    }
  };
  return (
    <main class="signin">
      <h1>V2G dashboard</h1>
      <form onSubmit={(e) => void onSubmit(e)} aria-label="Sign in">
        <div class="field">
          <label for="token">API token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} required aria-describedby="token-error token-help" />
          {error ? (
            <span class="field-error" id="token-error" role="alert">
              {error}
            </span>
          ) : null}
          <span class="sub" id="token-help">
            A token of API_TOKENS (or the demo token printed at start): read sees, dispatch and admin act. It stays in this tab only.
          </span>
        </div>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function LiveBanner({ state }: { state: LiveState }) {
  if (state.kind === 'live') return <span class="live ok" data-testid="live-state">live</span>;
  if (state.kind === 'connecting') return <span class="live" data-testid="live-state">connecting…</span>;
  return (
    <div class="banner error" role="alert" data-testid="live-state">
      Connection lost, retrying in {state.inSeconds} s ({state.reason}). What you see may be out of date.
    </div>
  );
}

function OverviewView({ overview }: { overview: Overview }) {
  return (
    <main>
      {overview.portfolios.length > 0 ? <Portfolios portfolios={overview.portfolios} /> : null}
      <h1>Sites</h1>
      {overview.sites.length === 0 ? <p>No sites yet.</p> : null}
      <div class="cards" data-testid="overview">
        {overview.sites.map((s) => (
          <article class="card site-card" key={s.id} data-site={s.id}>
            <h2>
              <a href={`#/sites/${encodeURIComponent(s.id)}`}>{s.name}</a>
            </h2>
            <dl>
              <dt>Import now</dt>
              <dd>{s.now ? `${kw(s.now.importKw - s.now.exportKw)} of ${kw(s.now.importLimitKw)} limit (${s.now.importLimitSource})` : 'no plan covers now'}</dd>
              <dt>Vehicles plugged in</dt>
              <dd>
                {s.vehicles.plugged} (of {s.vehicles.sessions} sessions)
              </dd>
              <dt>Chargers</dt>
              <dd>
                {s.chargers.connected} of {s.chargers.chargers} connected, plan applied on {s.chargers.applied}
                {s.chargers.notApplied ? `, not applied on ${s.chargers.notApplied}` : ''}
              </dd>
              <dt>Active dispatches</dt>
              <dd>{s.activeDispatches}</dd>
              <dt>Cost over the plan's horizon</dt>
              <dd>
                {s.cost ? `${money(s.cost.planNetCost, s.currency)} vs ${money(s.cost.uncontrolledNetCost, s.currency)} uncontrolled` : 'no plan yet'}
              </dd>
              <dt>Plan</dt>
              <dd>{s.plan ? `${s.plan.solver}, ${s.plan.freshness}, made ${dateTime(s.plan.createdAt, s.timeZone)} (${s.timeZone})` : 'none yet'}</dd>
            </dl>
          </article>
        ))}
      </div>
    </main>
  );
}

function App() {
  const [token, setToken] = useState(savedToken());
  const [me, setMe] = useState<Me>();
  const [route, setRoute] = useState(routeOf(location.hash));
  const [overview, setOverview] = useState<Overview>();
  const [page, setPage] = useState<SitePage>();
  const [error, setError] = useState<string>();
  const [live, setLive] = useState<LiveState>({ kind: 'connecting' });
  const [selected, setSelected] = useState<string>();
  const loading = useRef<{ running: boolean; again: boolean }>({ running: false, again: false });
  // The read loop below outlives renders: it reads the route and token in force at each pass.
  const current = useRef({ route, token });
  current.current = { route, token };

  const signOut = useCallback(() => {
    saveToken(undefined);
    setToken(undefined);
    setMe(undefined);
  }, []);

  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!token || me) return;
    void api<Me>(token, 'GET', '/v1/dashboard/me').then(setMe, signOut);
  }, [token, me, signOut]);

  /** Reads the current page's view; while a read runs, further requests fold into one more read after it. */
  const load = useCallback(async () => {
    const l = loading.current;
    if (l.running) {
      l.again = true;
      return;
    }
    l.running = true;
    try {
      do {
        l.again = false;
        const { route, token } = current.current;
        if (!token) break;
        try {
          if (route.page === 'site') setPage(await api<SitePage>(token, 'GET', `/v1/dashboard/sites/${encodeURIComponent(route.siteId)}`));
          else setOverview(await api<Overview>(token, 'GET', '/v1/dashboard/overview'));
          setError(undefined);
        } catch (e) {
          if (e instanceof ApiError && e.problem.status === 401) signOut();
          setError(e instanceof Error ? e.message : String(e));
        }
      } while (l.again);
    } finally {
      l.running = false;
    }
  }, [signOut]);

  // Reads the page's view at once (in parallel with /me after a reload), and again on every batch of changes.
  useEffect(() => {
    if (!token) return undefined;
    setPage(undefined);
    void load();
    return connectLive({
      token,
      ...(route.page === 'site' ? { siteId: route.siteId } : {}),
      onChanges: () => void load(),
      onState: setLive,
      onUnauthorized: signOut,
    });
  }, [token, route, load, signOut]);

  if (!token || !me) {
    return (
      <SignIn
        onSignedIn={(t, m) => {
          saveToken(t);
          setToken(t);
          setMe(m);
        }}
      />
    );
  }
  return (
    <>
      <nav class="top" aria-label="Dashboard">
        <a href="#/">All sites</a>
        <LiveBanner state={live} />
        <span class="sub">
          signed in as {me.name} ({me.scopes.join(', ')})
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </nav>
      {error ? (
        <p class="banner error" role="alert">
          {error}
        </p>
      ) : null}
      {route.page === 'overview' ? (
        overview ? <OverviewView overview={overview} /> : <p>Loading…</p>
      ) : page && page.site.id === route.siteId ? (
        <main>
          <SiteView page={page} me={me} token={token} selected={selected} onSelect={setSelected} />
        </main>
      ) : (
        <p>Loading…</p>
      )}
    </>
  );
}

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
