/** A file made by the core (`runs.export`, `traces.export`): its suggested name, type and text. */
export interface DownloadableFile {
  fileName: string;
  mimeType: string;
  content: string;
}

/**
 * The name the browser saves a file under: the last path segment only, without control characters
 * or the characters Windows refuses, so a name from the core can never point outside the
 * downloads folder or fail to save.
 */
export function safeDownloadName(name: string, fallback = 'download'): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 200);
  return cleaned || fallback;
}

/**
 * Saves text as a file through the browser's download (a Blob and an `<a download>`), the same in
 * web mode and in the desktop window.
 */
export function downloadFile(file: DownloadableFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = safeDownloadName(file.fileName);
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download starts after this task; revoking the URL at once could cancel it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
