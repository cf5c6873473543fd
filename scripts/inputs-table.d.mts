// Types of scripts/inputs-table.mjs, for the tests that import it.
export interface InputRow {
  name: string
  modes: string
  byDefault: string
  meaning: string
}
export function rowOf(name: string, input: { description?: string; required?: boolean; default?: string }): InputRow
export function inputsTable(actionYml: string): string
export function withTable(readme: string, table: string): string
