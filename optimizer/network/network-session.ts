/**
 * The types of a model's network rows and of an LP session that adds them lazily (lazy-rows.ts builds them,
 * seed-basis.ts reads them); kept apart so the two modules do not import each other.
 */
import type { LpSession } from '../backends/lp-backend.ts';
import type { NetworkRowSet, SharedRowTemplate } from './magnitude-rows.ts';

/** The network's rows of one built model: the templates, the columns they read, the rows already in it. */
export interface NetworkRows {
  readonly templates: readonly SharedRowTemplate[];
  readonly slotCount: number;
  readonly charge: readonly Int32Array[];
  readonly discharge: readonly Int32Array[];
  /** Key (slot x templates + template) -> row index, for the rows built into the model. */
  readonly inModel: ReadonlyMap<number, number>;
  /** The problem's remembered keys (shared by every model of it). */
  readonly known: Set<number>;
}

/** An LP session whose solves add broken network rows until none is left; it knows which rows it holds. */
export interface NetworkSession extends LpSession {
  /** The network rows in the model now, with the share of their limit each gives up (for the duality bound). */
  networkRowSet(): NetworkRowSet;
  /** Rows of the model now (as built plus those added). */
  rowCount(): number;
  /** The network rows in the model now: key (slot x templates + template) -> row index. */
  networkRowKeys(): ReadonlyMap<number, number>;
}
