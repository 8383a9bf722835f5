/*
 * Entry of a normalize worker thread (see NormalizeWorkerPool): normalizes
 * the parts of extracted packages it is sent, one at a time, into job files,
 * and posts back what it wrote and how it changed the schema.
 */
import { parentPort } from "node:worker_threads";
import { decodeTypedJson } from "@dlt-ts/core";
import type { Row } from "../relational/relational-normalizer.js";
import { PackageNormalizer } from "../stage/package-normalizer.js";
import { readLineBatches } from "../stage/read-lines.js";
import { fromWorkerOptions, type FromWorker, type PartTask, type ToWorker } from "./normalize-worker-messages.js";
import { serializeError } from "./worker-errors.js";

/** Rows between progress messages. */
const PROGRESS_EVERY = 1000;

const port = parentPort;
if (!port) throw new Error("normalize-worker runs as a worker thread of the normalize stage, not on its own");

port.on("message", (message: ToWorker) => {
  void runPart(message.id, message.task).then(
    (result) => port.postMessage({ type: "done", id: message.id, result } satisfies FromWorker),
    (error: unknown) => port.postMessage({ type: "failed", id: message.id, error: serializeError(error) } satisfies FromWorker),
  );
});

async function runPart(id: number, task: PartTask) {
  const writer = PackageNormalizer.openPart(task.loadId, task.info, task.base, task.tables, task.jobsDirectory, fromWorkerOptions(task.options));
  let rows = 0;
  try {
    for await (const lines of readLineBatches(task.file, task.range)) {
      for (const line of lines) {
        const writing = writer.add(task.rootTable, decodeTypedJson(line) as Row);
        if (writing) await writing;
        if (++rows % PROGRESS_EVERY === 0) port!.postMessage({ type: "rows", id, count: PROGRESS_EVERY } satisfies FromWorker);
      }
    }
  } catch (error) {
    await writer.abort();
    throw error;
  }
  port!.postMessage({ type: "rows", id, count: rows % PROGRESS_EVERY } satisfies FromWorker);
  return writer.closePart();
}
