/** The overview's portfolios: each with its member sites (links to their pages) and their import now against the shared limit. */
import { kw } from './format.ts';
import type { PortfolioSummary } from './types.ts';

function SharedImport({ p }: { p: PortfolioSummary }) {
  const limit = p.sharedImportLimit;
  if (!limit) return <>{kw(p.importKw)} (no shared import limit)</>;
  const over = p.importHeadroomKw !== null && p.importHeadroomKw < 0;
  return (
    <>
      {kw(p.importKw)} of {kw(limit.limitKw)} shared limit ({limit.source}):{' '}
      <span class={over ? 'error' : 'ok'}>{over ? `${kw(-p.importHeadroomKw!)} over` : `${kw(p.importHeadroomKw ?? 0)} headroom`}</span>
    </>
  );
}

export function Portfolios({ portfolios }: { portfolios: readonly PortfolioSummary[] }) {
  return (
    <section aria-labelledby="portfolios-title">
      <h1 id="portfolios-title">Portfolios</h1>
      <div class="cards" data-testid="portfolios">
        {portfolios.map((p) => (
          <article class="card portfolio-card" key={p.id} data-portfolio={p.id}>
            <h2>
              {p.name} <span class="sub">({p.kind})</span>
            </h2>
            <dl>
              <dt>Import now (sum of sites)</dt>
              <dd data-testid="portfolio-import">
                <SharedImport p={p} />
              </dd>
              {p.exportKw > 0 || p.sharedExportLimit ? (
                <>
                  <dt>Export now</dt>
                  <dd>{p.sharedExportLimit ? `${kw(p.exportKw)} of ${kw(p.sharedExportLimit.limitKw)} shared limit (${p.sharedExportLimit.source})` : kw(p.exportKw)}</dd>
                </>
              ) : null}
              <dt>Sites ({p.sites.length})</dt>
              <dd>
                <ul class="members">
                  {p.sites.map((s) => (
                    <li key={s.id}>
                      {s.missing ? (
                        <span class="error">{s.id}: deleted (still listed in the portfolio)</span>
                      ) : (
                        <>
                          <a href={`#/sites/${encodeURIComponent(s.id)}`}>{s.name}</a> {s.importKw !== null ? `import ${kw(s.importKw)}` : 'no plan covers now (not in the sum)'}
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              </dd>
            </dl>
            {p.sitesWithoutPlanNow > 0 ? <p class="sub">{p.sitesWithoutPlanNow} member site(s) have no plan covering now: the sum leaves them out.</p> : null}
          </article>
        ))}
      </div>
    </section>
  );
}
