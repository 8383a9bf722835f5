import { promises as fs } from "node:fs";
import * as path from "node:path";

let counter = 0;

/** Writes through a temp file and a rename, so readers see the old or the new content only. */
export async function writeFileAtomic(filePath: string, content: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(filePath), { recursive: true });
  const temp = `${filePath}.${process.pid}.${counter++}.tmp`;
  await fs.writeFile(temp, content);
  await fs.rename(temp, filePath);
}

export async function writeJsonAtomic(filePath: string, value: unknown): Promise<void> {
  await writeFileAtomic(filePath, JSON.stringify(value, null, 2));
}

export async function readJsonFile<T>(filePath: string): Promise<T> {
  return JSON.parse(await fs.readFile(filePath, "utf8")) as T;
}
