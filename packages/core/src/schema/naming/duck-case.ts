import { SnakeCaseNamingConvention } from "./snake-case.js";

/**
 * Case-sensitive; keeps any Unicode (emoji included). Only newlines, carriage
 * returns and double quotes become `_`, and runs of `_` collapse.
 */
export class DuckCaseNamingConvention extends SnakeCaseNamingConvention {
  override readonly name: string = "duck_case";
  override readonly isCaseSensitive: boolean = true;

  protected override transform(identifier: string): string {
    return identifier.replace(/[\n\r"]/g, "_").replace(/__+/g, "_");
  }
}
