import { randomBytes } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { classifyStorageError } from "./filesystem-errors.js";
import type { FilesystemStorage, StorageBody } from "./filesystem-storage.js";

/** Temp files of unfinished writes: `.<name>.<random>.dlt-tmp`, never listed. */
const TEMP_FILE = /^\..*\.dlt-tmp$/;

/**
 * A bucket in a local folder (`file:///abs/path` or a plain path). Files are
 * written to a temp file next to the target and renamed, so a reader (or a
 * crash) never sees half a file; folders are created as needed.
 *
 * @example
 * const storage = new LocalFileStorage("/var/lake");
 * await storage.put("github/events/1714557630.123456.a1b2c3.jsonl", { filePath: "/tmp/job.jsonl" });
 * await storage.list("github/events/"); // ["github/events/1714557630.123456.a1b2c3.jsonl"]
 */
export class LocalFileStorage implements FilesystemStorage {
  readonly url: string;

  constructor(readonly root: string) {
    this.url = pathToFileURL(root).href;
  }

  urlOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  /** The local path of a key. */
  pathOf(key: string): string {
    return path.join(this.root, ...key.split("/"));
  }

  async put(key: string, body: StorageBody): Promise<void> {
    const target = this.pathOf(key);
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString("hex")}.dlt-tmp`);
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (typeof body === "object" && "filePath" in body) await fs.copyFile(body.filePath, temp);
      else await fs.writeFile(temp, body);
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw classifyStorageError(error, `Cannot write ${this.urlOf(key)}`);
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw classifyStorageError(error, `Cannot read ${this.urlOf(key)}`);
    }
  }

  async openRead(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    // Opened before it is returned, so a missing file fails here with the storage's error.
    const handle = await fs.open(file, "r").catch((error: unknown) => {
      throw classifyStorageError(error, `Cannot read ${this.urlOf(key)}`);
    });
    return createReadStream(file, { fd: handle.fd, autoClose: true });
  }

  keyOf(url: string): string | undefined {
    if (!url.startsWith("file:")) return undefined;
    const relative = path.relative(this.root, fileURLToPath(url));
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep).join("/");
  }

  async list(prefix: string): Promise<string[]> {
    const slash = prefix.lastIndexOf("/");
    const folder = slash < 0 ? "" : prefix.slice(0, slash);
    const namePrefix = prefix.slice(slash + 1);
    const keys: string[] = [];
    try {
      for (const entry of await this.entries(folder)) {
        if (!entry.name.startsWith(namePrefix) || TEMP_FILE.test(entry.name)) continue;
        const key = folder ? `${folder}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await this.walk(key, keys);
        else if (entry.isFile()) keys.push(key);
      }
    } catch (error) {
      throw classifyStorageError(error, `Cannot list ${this.urlOf(prefix)}`);
    }
    return keys.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      try {
        await fs.unlink(this.pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
        throw classifyStorageError(error, `Cannot delete ${this.urlOf(key)}`);
      }
    }
  }

  async close(): Promise<void> {}

  private async walk(folder: string, keys: string[]): Promise<void> {
    for (const entry of await this.entries(folder)) {
      if (TEMP_FILE.test(entry.name)) continue;
      const key = `${folder}/${entry.name}`;
      if (entry.isDirectory()) await this.walk(key, keys);
      else if (entry.isFile()) keys.push(key);
    }
  }

  /** A folder's entries; none when it does not exist (a table never loaded). */
  private async entries(folder: string) {
    try {
      return await fs.readdir(folder ? this.pathOf(folder) : this.root, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      throw error;
    }
  }
}
