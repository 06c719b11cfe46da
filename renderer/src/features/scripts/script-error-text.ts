/**
 * A script error for people: `CODE: message`, the code once. A helper's error is raised inside the
 * script with its code in the message (shared/engine/node/sandbox/script-run.ts, so a pcall can
 * tell it), and Lua puts the location in front (`script:3: SECRET_NOT_FOUND: …`); prefixing the code
 * again said it twice. The location is dropped only there, since every place that shows this text
 * shows the line of its own.
 */
export function scriptErrorText(error: { code: string; message: string }): string {
  const withoutLocation = error.message.replace(/^script:\d+: /, '');
  if (withoutLocation.startsWith(`${error.code}: `)) return withoutLocation;
  return `${error.code}: ${error.message}`;
}
