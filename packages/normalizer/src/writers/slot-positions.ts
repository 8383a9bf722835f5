import type { ColumnSchema, ColumnSlots } from "@dlt-ts/core";

/**
 * A writer's column position for each slot of a table's {@link ColumnSlots}
 * (-1 for names that are not columns of the file), extended as new slots
 * appear, so a row's values land by array index instead of a lookup by name.
 */
export class SlotPositions {
  private readonly indexByName: Map<string, number>;
  private source: ColumnSlots | undefined;
  private positions: number[] = [];

  constructor(columns: readonly ColumnSchema[]) {
    this.indexByName = new Map(columns.map((column, index) => [column.name, index]));
  }

  of(slots: ColumnSlots): readonly number[] {
    if (slots !== this.source) {
      this.source = slots;
      this.positions = [];
    }
    const positions = this.positions;
    const names = slots.names;
    for (let slot = positions.length; slot < names.length; slot++) positions.push(this.indexByName.get(names[slot]!) ?? -1);
    return positions;
  }
}
