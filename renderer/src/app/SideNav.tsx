import { views, type ViewId } from './views';

interface Props {
  current: ViewId;
  onSelect(view: ViewId): void;
}

/** The studio's sections; Alt+1…8 from anywhere, arrows within the list. */
export function SideNav({ current, onSelect }: Props) {
  const onKeyDown = (event: React.KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const index = views.findIndex((view) => view.id === current);
    const next = views[(index + (event.key === 'ArrowDown' ? 1 : views.length - 1)) % views.length];
    if (!next) return;
    onSelect(next.id);
    document.getElementById(`nav-${next.id}`)?.focus();
  };
  return (
    <nav aria-label="Studio sections" className="side-nav">
      <ul onKeyDown={onKeyDown}>
        {views.map((view) => (
          <li key={view.id}>
            <button
              id={`nav-${view.id}`}
              type="button"
              className="side-nav-item"
              aria-current={view.id === current ? 'page' : undefined}
              title={`${view.label} (${view.shortcut})`}
              onClick={() => onSelect(view.id)}
            >
              <span aria-hidden="true" className="side-nav-icon">
                {view.icon}
              </span>
              {view.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
