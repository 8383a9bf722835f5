import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

/** Extensions tried, in order, for a module path given without one. */
const MODULE_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

/** Outcome of importing `module#export`: the value, or every attempt that failed. */
export type ImportOutcome = { found: true; value: unknown; from: string } | { found: false; tried: string[] };

/** dlt's dotted form `module.function` / `package_dir.module.function`: identifiers joined by dots, nothing else. */
const DOTTED_REFERENCE = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/;

/** A reference split into module and export, as the user would read it. */
interface ParsedReference {
  modulePart: string;
  exportName: string;
}

/**
 * The readings of a reference, tried in order: `module#export` (no `#`: the
 * default export); dlt's dotted `sinks.push` reads as `./sinks#push` first,
 * then as the package `sinks`, export `push`.
 */
function parseReference(reference: string): ParsedReference[] {
  const hash = reference.lastIndexOf("#");
  if (hash !== -1) return [{ modulePart: reference.slice(0, hash), exportName: reference.slice(hash + 1) }];
  if (DOTTED_REFERENCE.test(reference)) {
    const parts = reference.split(".");
    const exportName = parts.pop()!;
    return [
      { modulePart: `./${parts.join("/")}`, exportName },
      { modulePart: parts.join("."), exportName },
    ];
  }
  return [{ modulePart: reference, exportName: "default" }];
}

/**
 * Imports the export named by a reference `path/to/module#exportName` (a
 * path, relative to `baseDir` when it starts with "."), `package#exportName`
 * (resolved from `baseDir`), or dlt's dotted `module.exportName`. Without `#`
 * (and not dotted) the default export is taken.
 */
export async function importReference(reference: string, baseDir: string): Promise<ImportOutcome> {
  const tried: string[] = [];
  for (const parsed of parseReference(reference)) {
    const outcome = await importParsed(reference, parsed, baseDir);
    if (outcome.found) return outcome;
    tried.push(...outcome.tried);
  }
  return { found: false, tried };
}

async function importParsed(reference: string, { modulePart, exportName }: ParsedReference, baseDir: string): Promise<ImportOutcome> {
  if (!modulePart || !exportName) return { found: false, tried: [`"${reference}" is not "<module>#<export>" nor "module.export"`] };

  const isPath = modulePart.startsWith(".") || path.isAbsolute(modulePart);
  const tried: string[] = [];
  let specifier: string | undefined;
  if (isPath) {
    const base = path.resolve(baseDir, modulePart);
    const candidates = [base, ...MODULE_EXTENSIONS.map((ext) => base + ext), ...MODULE_EXTENSIONS.map((ext) => path.join(base, `index${ext}`))];
    specifier = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    if (!specifier) {
      const exts = MODULE_EXTENSIONS.join(",");
      tried.push(`module file "${modulePart}" from ${baseDir}: none of ${base}{,${exts}} or ${path.join(base, "index")}{${exts}} exists`);
      return { found: false, tried };
    }
  } else {
    try {
      specifier = createRequire(path.join(baseDir, "package.json")).resolve(modulePart);
    } catch {
      // ESM-only packages do not resolve through require: let import() resolve the bare name.
      specifier = modulePart;
    }
  }

  let loaded: Record<string, unknown>;
  try {
    const target = path.isAbsolute(specifier) && process.platform === "win32" ? pathToFileURL(specifier).href : specifier;
    loaded = (await import(target)) as Record<string, unknown>;
  } catch (error) {
    tried.push(`import of "${specifier}" failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    return { found: false, tried };
  }
  const value = pickExport(loaded, exportName);
  if (value === undefined) {
    const names = Object.keys(loaded).filter((k) => k !== "__esModule");
    tried.push(`module "${specifier}" has no export "${exportName}" (it exports: ${names.join(", ") || "nothing"})`);
    return { found: false, tried };
  }
  return { found: true, value, from: `${specifier}#${exportName}` };
}

function pickExport(module: Record<string, unknown>, name: string): unknown {
  if (module[name] !== undefined) return module[name];
  // CommonJS modules imported from ESM put module.exports on `default`.
  const cjs = module["default"];
  if (cjs && typeof cjs === "object") return (cjs as Record<string, unknown>)[name];
  return undefined;
}
