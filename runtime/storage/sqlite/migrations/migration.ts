/** One numbered schema change of runtime.db; its SQL is hashed when applied and must not change after. */
export interface Migration {
  version: number;
  /** The file's name without extension (`001-bundles`), shown in errors. */
  name: string;
  sql: string;
}
