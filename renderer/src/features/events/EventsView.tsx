/** The event library: import, filter, view and edit, pin (issue 6). */
export function EventsView() {
  return (
    <div className="events-view">
      <div className="view-header">
        <h2>Events</h2>
      </div>
    </div>
  );
}
