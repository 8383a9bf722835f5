import { safeInteger } from "./sink-item-values.js";

/**
 * JSON with exact integers. `JSON.parse` reads every number as a double, so
 * an int8 such as `9223372036854775807` arrives as `9223372036854776000`
 * although the job file holds every digit. Integers with 15 digits or fewer
 * always survive a double; {@link parseJsonExact} reads longer ones as a JS
 * `bigint` when they lie beyond `Number.MAX_SAFE_INTEGER` (a number
 * otherwise). Numbers with a fraction or an exponent are doubles, as in
 * JSON.parse.
 *
 * The parser is the slow path: {@link mayHoldLongIntegers} tells, with one
 * regular expression over the text, whether JSON.parse could lose digits;
 * only such text is parsed here.
 */

/** A number token that starts a value (`:`, `,`, `[` or the text's start before it) with 16 or more digits in a row. */
const LONG_INTEGER = /(?:^|[:,[])\s*-?\d{16}/;

/**
 * Whether JSON.parse could round an integer of this text. False positives
 * (a string holding `:1234567890123456`) only cost the slower parse.
 */
export function mayHoldLongIntegers(text: string): boolean {
  return LONG_INTEGER.test(text);
}

/** Parses JSON text like `JSON.parse` (no reviver), keeping integers beyond 2^53 exact as bigint. */
export function parseJsonExact(text: string): unknown {
  const parser = new ExactJsonParser(text);
  const value = parser.value();
  parser.expectEnd();
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const SAFE_DIGITS = 15;

class ExactJsonParser {
  private position = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.skipWhitespace();
    const c = this.text.charCodeAt(this.position);
    switch (c) {
      case 0x7b /* { */:
        return this.object();
      case 0x5b /* [ */:
        return this.array();
      case 0x22 /* " */:
        return this.string();
      case 0x74 /* t */:
        return this.literal("true", true);
      case 0x66 /* f */:
        return this.literal("false", false);
      case 0x6e /* n */:
        return this.literal("null", null);
      default:
        return this.number();
    }
  }

  expectEnd(): void {
    this.skipWhitespace();
    if (this.position < this.text.length) this.fail("unexpected text after the JSON value");
  }

  private object(): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.position++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.position) === 0x7d /* } */) {
      this.position++;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.position) !== 0x22) this.fail("expected a property name");
      const key = this.string();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.position) !== 0x3a /* : */) this.fail("expected ':'");
      this.position++;
      const member = this.value();
      // As JSON.parse: "__proto__" is an own property, never the prototype.
      if (key === "__proto__") Object.defineProperty(object, key, { value: member, writable: true, enumerable: true, configurable: true });
      else object[key] = member;
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.position++);
      if (c === 0x7d /* } */) return object;
      if (c !== 0x2c /* , */) this.fail("expected ',' or '}'", this.position - 1);
    }
  }

  private array(): unknown[] {
    const array: unknown[] = [];
    this.position++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.position) === 0x5d /* ] */) {
      this.position++;
      return array;
    }
    for (;;) {
      array.push(this.value());
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.position++);
      if (c === 0x5d /* ] */) return array;
      if (c !== 0x2c /* , */) this.fail("expected ',' or ']'", this.position - 1);
    }
  }

  /** A string token: its end is found here, escapes are decoded by JSON.parse. */
  private string(): string {
    const start = this.position;
    let end = start;
    for (;;) {
      end = this.text.indexOf('"', end + 1);
      if (end === -1) this.fail("unterminated string", start);
      let backslashes = 0;
      while (this.text.charCodeAt(end - 1 - backslashes) === 0x5c /* \ */) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    this.position = end + 1;
    const raw = this.text.slice(start + 1, end);
    return raw.includes("\\") ? (JSON.parse(this.text.slice(start, end + 1)) as string) : raw;
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail("unexpected character");
    const token = match[0];
    this.position += token.length;
    const isInteger = match[1] === undefined && match[2] === undefined;
    const digits = token.charCodeAt(0) === 0x2d /* - */ ? token.length - 1 : token.length;
    return isInteger && digits > SAFE_DIGITS ? safeInteger(BigInt(token)) : Number(token);
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) this.fail("unexpected character");
    this.position += word.length;
    return value;
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.position);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.position++;
    }
  }

  private fail(reason: string, at = this.position): never {
    throw new SyntaxError(`${reason} in JSON at position ${at}`);
  }
}
