/**
 * Compile-time check (root typecheck, `npm run typecheck`): what the dashboard's server views build fits the
 * shapes the browser code reads (adapters/dashboard/web/types.ts states the page and overview, and the charger
 * delivery view, whose server modules do not compile for the browser). A field renamed or retyped on the server
 * and not in the browser fails `tsc` here. Nothing runs: the functions are never called.
 */
import type { overviewView, sitePageView } from '../../../adapters/dashboard/dashboard-views.ts';
import type { Overview, SitePage } from '../../../adapters/dashboard/web/types.ts';

type Served<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

export const sitePageFits = (served: Served<typeof sitePageView>): SitePage => served;
export const overviewFits = (served: Served<typeof overviewView>): Overview => served;
