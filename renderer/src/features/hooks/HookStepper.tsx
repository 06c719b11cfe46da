import type { ChannelOutput } from '@shared/contract';
import { ModeBadge } from './ModeBadge';

type HookList = ChannelOutput<'hooks.list'>;

/** The 16 hooks grouped by lifecycle, in the order an admin meets them. */
export function HookStepper({ groups, hooks }: HookList) {
  return (
    <nav aria-label="Auth hooks" className="hook-stepper">
      {groups.map((group) => {
        const members = hooks.filter((hook) => hook.group === group.id);
        const headingId = `group-${group.id}`;
        return (
          <section key={group.id} aria-labelledby={headingId} className="hook-group">
            <h2 id={headingId}>{group.label}</h2>
            <ul aria-labelledby={headingId}>
              {members.map((hook) => (
                <li
                  key={hook.id}
                  className="hook-row"
                  aria-label={`${hook.id} (${hook.mode})`}
                  title={hook.description}
                >
                  <code className="hook-id">{hook.id}</code>
                  <span className="hook-label">{hook.label}</span>
                  <ModeBadge mode={hook.mode} />
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
