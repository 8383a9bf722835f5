import {
  ansiEscapeIdentifier,
  ansiEscapeLiteral,
  namingConvention,
  type DestinationCapabilities,
  type ExtractedPackageInfo,
  type LoaderFileFormat,
  type StoredSchema,
  type TableSchema,
} from "@dlt-ts/core";
import type { NormalizeOptions, PartResult } from "../stage/package-normalizer.js";
import type { ByteRange } from "../stage/read-lines.js";
import type { SerializedError } from "./worker-errors.js";

/** Capabilities that are functions: they cannot be posted to a worker. */
type CapabilityFunctions = "escapeIdentifier" | "escapeLiteral" | "casefoldIdentifier";

/** {@link NormalizeOptions} as they travel to a worker: plain data only. */
export interface WorkerNormalizeOptions {
  capabilities: Omit<DestinationCapabilities, CapabilityFunctions>;
  /** Whether the destination escapes as core's ANSI defaults do (then insert_values files can be written in a worker). */
  ansiEscaping: boolean;
  naming: { name: string; maxLength: number | undefined };
  fileMaxItems?: number;
  fileMaxBytes?: number;
  bufferMaxItems?: number;
}

/** One part of an extracted package: a job file of a root table, or a line range of it. */
export interface PartTask {
  loadId: string;
  info: ExtractedPackageInfo;
  /** The schema before the package's hints. */
  base: StoredSchema;
  /** The package's tables as merged when the part started. */
  tables: Record<string, TableSchema>;
  jobsDirectory: string;
  options: WorkerNormalizeOptions;
  file: string;
  rootTable: string;
  range: ByteRange;
}

export type ToWorker = { type: "part"; id: number; task: PartTask };

export type FromWorker =
  | { type: "rows"; id: number; count: number }
  | { type: "done"; id: number; result: PartResult }
  | { type: "failed"; id: number; error: SerializedError };

/** Naming conventions a worker builds by name; one registered in the main thread alone is not known there. */
const BUILT_IN_NAMING = new Set(["snake_case", "duck_case", "direct"]);

/**
 * The options a worker gets, or why the package must be normalized in the
 * calling thread: worker threads share no functions, so the destination's
 * escaping (which only insert_values files use) and a custom naming
 * convention cannot go there.
 */
export function toWorkerOptions(options: NormalizeOptions, formats: Iterable<LoaderFileFormat>): WorkerNormalizeOptions | string {
  const { escapeIdentifier, escapeLiteral, casefoldIdentifier: _casefold, ...capabilities } = options.capabilities;
  const ansiEscaping = escapeIdentifier === ansiEscapeIdentifier && escapeLiteral === ansiEscapeLiteral;
  if (!ansiEscaping && [...formats].includes("insert_values")) {
    return "insert_values files are escaped by the destination's own functions, which a worker thread cannot call";
  }
  if (!BUILT_IN_NAMING.has(options.naming.name)) {
    return `naming convention "${options.naming.name}" is registered in this thread only`;
  }
  return {
    capabilities,
    ansiEscaping,
    naming: { name: options.naming.name, maxLength: options.naming.maxLength },
    ...(options.fileMaxItems !== undefined ? { fileMaxItems: options.fileMaxItems } : {}),
    ...(options.fileMaxBytes !== undefined ? { fileMaxBytes: options.fileMaxBytes } : {}),
    ...(options.bufferMaxItems !== undefined ? { bufferMaxItems: options.bufferMaxItems } : {}),
  };
}

/** The options rebuilt in a worker. */
export function fromWorkerOptions(options: WorkerNormalizeOptions): NormalizeOptions {
  const { capabilities, ansiEscaping, naming, ...rest } = options;
  const unavailable = (name: string) => (): never => {
    throw new Error(`capabilities.${name} of the destination cannot be called in a normalize worker thread`);
  };
  return {
    ...rest,
    capabilities: {
      ...capabilities,
      escapeIdentifier: ansiEscaping ? ansiEscapeIdentifier : unavailable("escapeIdentifier"),
      escapeLiteral: ansiEscaping ? ansiEscapeLiteral : unavailable("escapeLiteral"),
      casefoldIdentifier: unavailable("casefoldIdentifier"),
    },
    naming: namingConvention(naming.name, naming.maxLength),
  };
}
