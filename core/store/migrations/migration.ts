/** One numbered schema change. Its SQL is hashed when applied; editing it afterwards is an error. */
export interface Migration {
  version: number;
  /** The file's name without extension, shown in errors (`003-pipeline`). */
  name: string;
  sql: string;
}
