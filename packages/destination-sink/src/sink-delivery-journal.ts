import { createHash } from "node:crypto";
import type { SinkBatch, SinkItem } from "./sink-options.js";

/**
 * Where a sink's delivered batches are recorded beyond the working dir, so
 * that a run on a fresh machine does not send them again. The pipeline
 * provides one when it has a state store (`pipeline({ stateStore })`), under
 * {@link SINK_DELIVERY_JOURNAL} in its container.
 *
 * The journal covers the deliveries since the last committed load: it is
 * emptied in the same transaction that stores the state of a loaded package,
 * so it only ever holds batches of packages whose state (their incremental
 * cursors) is not committed yet — exactly the rows a fresh machine extracts
 * again.
 */
export interface SinkDeliveryJournal {
  /** What was recorded since the last committed load, read once per package load. */
  open(): Promise<OpenSinkDeliveryJournal>;
}

/** A journal read for one run. */
export interface OpenSinkDeliveryJournal {
  /**
   * Names the last committed load ("" before the first one). Part of every
   * content id, so identical rows sent again after a later load (a value
   * changed and changed back) get a new id.
   */
  readonly epoch: string;
  /** Whether a batch with this id was delivered since the last committed load. */
  has(batchId: string): boolean;
  /** Records a delivered batch; resolves once it is durable. */
  record(batch: SinkBatch): Promise<void>;
  /** Releases its connection; called when the package's jobs are done. */
  close(): Promise<void>;
}

/** Container token of the pipeline's {@link SinkDeliveryJournal} (one value however many copies of this package are installed). */
export const SINK_DELIVERY_JOURNAL = Symbol.for("dlt-ts:di:sink-delivery-journal");

/**
 * The id of a batch as the journal knows it: a digest of the epoch, the
 * table, the batch's position in its file and its rows (as the sink gets
 * them, without `_dlt_*` columns). The same rows extracted again on a fresh
 * machine, in the same order, give the same id whatever load id their new
 * package has.
 */
export function contentBatchId(epoch: string, table: string, index: number, items: readonly SinkItem[]): string {
  const hash = createHash("sha256");
  hash.update(`${epoch}\n${table}\n${index}\n`);
  for (const item of items) hash.update(JSON.stringify(item, exactValue)).update("\n");
  return hash.digest("base64url").slice(0, 32);
}

/** JSON.stringify replacer for what typed sink items hold besides JSON: bigint (int8 beyond 2^53). */
function exactValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `${value}n` : value;
}
