import type { SlottedRow } from "@dlt-ts/core";

/**
 * Gathers one row's slots and values in arrays reused from row to row, then
 * copies them out at their exact size: fresh arrays grown value by value are
 * reallocated several times per wide row, and the GC pays for the copies.
 */
export class RowBuilder {
  private readonly slots: number[] = [];
  private readonly values: unknown[] = [];
  private length = 0;

  add(slot: number, value: unknown): void {
    this.slots[this.length] = slot;
    this.values[this.length] = value;
    this.length++;
  }

  /** Where a slot was added, or -1. */
  indexOf(slot: number): number {
    for (let i = 0; i < this.length; i++) if (this.slots[i] === slot) return i;
    return -1;
  }

  valueAt(index: number): unknown {
    return this.values[index];
  }

  setValueAt(index: number, value: unknown): void {
    this.values[index] = value;
  }

  /** The value of a slot (the last one added), or undefined. */
  valueOf(slot: number | undefined): unknown {
    for (let i = this.length - 1; i >= 0; i--) if (this.slots[i] === slot) return this.values[i];
    return undefined;
  }

  /** The row gathered so far; the builder starts over empty. */
  build(): SlottedRow {
    const row = { slots: this.slots.slice(0, this.length), values: this.values.slice(0, this.length) };
    // Drop the references, so the builder never keeps an item's values alive.
    this.values.fill(undefined, 0, this.length);
    this.length = 0;
    return row;
  }
}
