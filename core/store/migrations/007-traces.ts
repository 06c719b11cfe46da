import type { Migration } from './migration';

// Traces and their spans in OTLP's terms (ids as hex text, times as unix nanoseconds, status,
// attributes and events as JSON), so exporting them to a collector needs no reshaping.
// `traces` is one summary row per trace for the trace list: its indexes serve "the latest N",
// optionally by hook or status, within a time range. `trace_search` indexes the text of the
// scripts' logs and errors with trigrams, so a search for any substring of 3+ characters uses the
// index. It is an FTS5 virtual table, which cannot be STRICT; a trigger keeps it in step when
// traces are deleted. Spans are WITHOUT ROWID, clustered by trace: reading a trace is one range.
export const migration007: Migration = {
  version: 7,
  name: '007-traces',
  sql: `
CREATE TABLE traces (
  id INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL UNIQUE,
  hook TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'denied', 'error')),
  start_unix_nano INTEGER NOT NULL,
  end_unix_nano INTEGER NOT NULL,
  root_name TEXT NOT NULL,
  status_message TEXT,
  span_count INTEGER NOT NULL,
  size_bytes INTEGER NOT NULL
) STRICT;
CREATE INDEX traces_latest ON traces (start_unix_nano);
CREATE INDEX traces_by_hook ON traces (hook, start_unix_nano);
CREATE INDEX traces_by_status ON traces (status, start_unix_nano);

CREATE TABLE spans (
  trace_id TEXT NOT NULL REFERENCES traces (trace_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_unix_nano INTEGER NOT NULL,
  end_unix_nano INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('UNSET', 'OK', 'ERROR')),
  status_message TEXT,
  attributes TEXT NOT NULL,
  events TEXT NOT NULL,
  PRIMARY KEY (trace_id, position)
) STRICT, WITHOUT ROWID;

CREATE VIRTUAL TABLE trace_search USING fts5 (text, tokenize = 'trigram');

CREATE TRIGGER traces_leave_search AFTER DELETE ON traces
BEGIN
  DELETE FROM trace_search WHERE rowid = old.id;
END;
`,
};
