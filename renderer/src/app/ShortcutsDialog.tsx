import { Dialog } from '../components/Dialog';

const shortcuts: [string, string][] = [
  ['Alt+1 … Alt+8', 'Pipeline, Scripts, Events, Replay runs, Traces, Secrets & environments, Publish, Live tail'],
  ['Alt+↑ / Alt+↓', 'Move the focused script card to the previous / next layer'],
  ['Alt+← / Alt+→', 'Reorder the focused script card within its layer'],
  ['Enter', 'Open the focused script card in the editor'],
  ['Delete', 'Remove the focused script card from its hook (asks first)'],
  ['Ctrl/⌘+S', 'Save the script as a new version'],
  ['Ctrl/⌘+Enter', 'Run the script on the event'],
  ['Ctrl+Space', 'Completions for event., ctx. and helpers.'],
  ['?', 'This list'],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" open={open} onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {shortcuts.map(([keys, action]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
