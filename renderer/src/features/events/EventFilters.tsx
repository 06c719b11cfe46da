import type { ChannelOutput } from '@shared/contract';
import { emptyFilterForm, type FilterForm } from './event-filter';

type Facets = ChannelOutput<'events.facets'>;

interface Props {
  form: FilterForm;
  facets: Facets | null;
  problems: string[];
  onChange(form: FilterForm): void;
}

/** The library's filters; they combine with AND, and times are UTC like the list. */
export function EventFilters({ form, facets, problems, onChange }: Props) {
  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => onChange({ ...form, [key]: value });
  const filtered = JSON.stringify(form) !== JSON.stringify(emptyFilterForm);
  // A value typed before the facets knew it (or since deleted) stays choosable.
  const withCurrent = (values: string[], current: string) =>
    current && !values.includes(current) ? [current, ...values] : values;
  return (
    <div role="search" className="event-filters" aria-label="Filter events">
      <label>
        Hook
        <select value={form.hook} onChange={(event) => set('hook', event.target.value)}>
          <option value="">Any hook</option>
          {withCurrent(facets?.hooks.map((h) => h.hook) ?? [], form.hook).map((hook) => {
            const count = facets?.hooks.find((h) => h.hook === hook)?.count;
            return (
              <option key={hook} value={hook}>
                {hook}
                {count !== undefined ? ` (${count.toLocaleString('en-US')})` : ''}
              </option>
            );
          })}
        </select>
      </label>
      <label>
        Source
        <select value={form.source} onChange={(event) => set('source', event.target.value)}>
          <option value="">Any source</option>
          {withCurrent(facets?.sources ?? [], form.source).map((source) => (
            <option key={source} value={source}>
              {source}
            </option>
          ))}
        </select>
      </label>
      <label>
        Tag
        <select value={form.tag} onChange={(event) => set('tag', event.target.value)}>
          <option value="">Any tag</option>
          {withCurrent(facets?.tags ?? [], form.tag).map((tag) => (
            <option key={tag} value={tag}>
              {tag}
            </option>
          ))}
        </select>
      </label>
      <label>
        From (UTC)
        <input type="datetime-local" value={form.from} onChange={(event) => set('from', event.target.value)} />
      </label>
      <label>
        To (UTC)
        <input type="datetime-local" value={form.to} onChange={(event) => set('to', event.target.value)} />
      </label>
      <label className="event-filter-text">
        Text
        <input
          type="search"
          placeholder="Id or payload"
          value={form.text}
          maxLength={200}
          onChange={(event) => set('text', event.target.value)}
        />
      </label>
      <label className="radio">
        <input
          type="checkbox"
          checked={form.pinnedOnly}
          onChange={(event) => set('pinnedOnly', event.target.checked)}
        />
        Pinned only
      </label>
      <button type="button" disabled={!filtered} onClick={() => onChange(emptyFilterForm)}>
        Clear filters
      </button>
      {problems.length > 0 && (
        <p className="limit-reason event-filter-problems" role="alert">
          {problems.join(' ')}
        </p>
      )}
    </div>
  );
}
