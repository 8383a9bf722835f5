/**
 * JSON lines that keep the JS types plain JSON loses between extract and
 * normalize: Date, bigint, binary and -0 (which JSON.stringify writes as 0)
 * travel as tagged objects.
 */
const TAG = "__dlt_t";
const TAG_MARKER = `"${TAG}"`;

type Tagged = { [TAG]: "date" | "bigint" | "binary" | "number"; v: string };

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Date) return { [TAG]: "date", v: raw.toISOString() };
  if (typeof raw === "bigint") return { [TAG]: "bigint", v: raw.toString() };
  if (raw instanceof Uint8Array) return { [TAG]: "binary", v: Buffer.from(raw).toString("base64") };
  if (isNegativeZero(raw)) return { [TAG]: "number", v: "-0" };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && TAG in value) {
    const tagged = value as Tagged;
    switch (tagged[TAG]) {
      case "date":
        return new Date(tagged.v);
      case "bigint":
        return BigInt(tagged.v);
      case "binary":
        return new Uint8Array(Buffer.from(tagged.v, "base64"));
      case "number":
        return Number(tagged.v);
    }
  }
  return value;
}

export function encodeTypedJson(item: unknown): string {
  // A replacer costs a call per value; most items hold only JSON types and skip it.
  return hasTypedValues(item, 0) ? JSON.stringify(item, replacer) : JSON.stringify(item);
}

/** Whether a value holds a Date, bigint, binary or -0 anywhere (or nests too deep to tell cheaply). */
function hasTypedValues(value: unknown, depth: number): boolean {
  if (typeof value === "bigint" || isNegativeZero(value)) return true;
  if (value === null || typeof value !== "object") return false;
  return hasTypedMembers(value, depth);
}

/** The walk behind {@link hasTypedValues}: primitives are checked in the loop, only objects recurse (a call per value would cost more than the check). */
function hasTypedMembers(object: object, depth: number): boolean {
  if (object instanceof Date || object instanceof Uint8Array || depth > 64) return true;
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      const element: unknown = object[i];
      if (typeof element === "object" ? element !== null && hasTypedMembers(element, depth + 1) : isTypedPrimitive(element)) return true;
    }
    return false;
  }
  // toJSON (other than Date's) changes what is written: let the replacer path see it.
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") return true;
  for (const key in object) {
    const member = (object as Record<string, unknown>)[key];
    if (typeof member === "object" ? member !== null && hasTypedMembers(member, depth + 1) : isTypedPrimitive(member)) return true;
  }
  return false;
}

function isTypedPrimitive(value: unknown): boolean {
  return typeof value === "bigint" || isNegativeZero(value);
}

/** `value === 0` first: it fails at once for nearly every value. */
function isNegativeZero(value: unknown): boolean {
  return value === 0 && 1 / value < 0;
}

export function decodeTypedJson(line: string): unknown {
  // The reviver costs a call per value: only pay it when a tag is present.
  return line.includes(TAG_MARKER) ? JSON.parse(line, reviver) : JSON.parse(line);
}
