/** Bad usage or unreadable input: exit code 2 with a one-line reason naming the file, line or field. */
export class UsageError extends Error {
  override name = 'UsageError';
}
