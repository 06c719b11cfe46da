import { useMonacoDiff } from '../scripts/use-monaco-diff';

interface Props {
  title: string;
  original: string;
  modified: string;
}

/** A script on the runtime and in this workspace, side by side (the script editor's diff, without its header). */
export function ScriptDiff({ title, original, modified }: Props) {
  const host = useMonacoDiff(original, modified, title);
  return (
    <section className="publish-script-diff" aria-label={title}>
      <p className="muted publish-script-diff-legend">
        <span>On the runtime</span>
        <span>In this workspace</span>
      </p>
      <div ref={host} className="diff-editor" />
    </section>
  );
}
