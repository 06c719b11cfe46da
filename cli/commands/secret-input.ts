import { UsageError } from '../usage-error';

// Reading a secret's value for `secrets set`. The value comes from stdin only: an argument would
// stay in the shell's history and be visible to every user through the process list. Piped input
// (CI, a password manager's CLI) is read to its end; at a terminal the user types it without echo.

/** Far above any API key or PEM key, and below what would make a keychain entry unreasonable. */
export const maxSecretBytes = 64 * 1024;

export async function readSecretValue(command: string, name: string): Promise<string> {
  const input = process.stdin;
  const value = input.isTTY ? await readHidden(command, `Value of ${name} (input hidden): `) : await readAll(command);
  // `echo "$KEY" | …` adds a line end that is never part of the key; only that one is dropped, so
  // a multi-line value (a PEM key) keeps its inner line breaks.
  return value.replace(/\r?\n$/, '');
}

async function readAll(command: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxSecretBytes) {
      process.stdin.destroy();
      throw new UsageError(`${command}: the value on stdin is longer than ${maxSecretBytes} bytes`);
    }
    chunks.push(buffer);
  }
  const bytes = Buffer.concat(chunks);
  try {
    // fatal: bytes that are not UTF-8 would otherwise be stored silently changed.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${command}: the value on stdin is not UTF-8 text`);
  }
}

/** One line typed at the terminal, not echoed; Ctrl-C cancels. */
function readHidden(command: string, prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new UsageError(`${command}: cancelled; nothing was stored`));
          return;
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else value += char;
        if (Buffer.byteLength(value) > maxSecretBytes) {
          finish();
          reject(new UsageError(`${command}: the value is longer than ${maxSecretBytes} bytes`));
          return;
        }
      }
    };
    input.on('data', onData);
  });
}
