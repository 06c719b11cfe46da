/** One CLI command; cli/commands/index.ts lists them all. */
export interface Command {
  summary: string;
  help: string;
  /** Resolves to the exit code. Throws UsageError for bad usage (exit 2). */
  run(args: string[]): Promise<number>;
}
