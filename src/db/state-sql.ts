// An incident's whole state in one statement, as one JSON value, for the hot path that runs on the
// pool's own connection (change()). It returns the same relations, filters and orders as the
// repository's Prisma include, with the rows in Prisma's field names, so the same mappers apply.
/** A row of the incident's: by its workspace too, which leads every relation's index. */
const OF_INCIDENT = 'x.workspace_id = i.workspace_id AND x.incident_id = i.id';

/** The rows of a relation, with only the columns named (as `'column', x.column` pairs). */
const some = (table: string, where: string, order: string, cols: string) =>
  `COALESCE((SELECT json_agg(json_build_object(${cols}) ORDER BY ${order}) FROM ${table} x WHERE ${OF_INCIDENT}${where}), '[]'::json)`;

const all = (table: string, where: string, order: string) =>
  `COALESCE((SELECT json_agg(to_json(x) ORDER BY ${order}) FROM ${table} x WHERE ${OF_INCIDENT}${where}), '[]'::json)`;

const loadState = (where: string) => `
  SELECT json_build_object(
    'incident', to_json(i),
    'roles', ${all('role_assignments', ' AND x.ended_at IS NULL', 'x.assigned_at')},
    'checklists', ${some('incident_checklists', '', 'x.attached_at', `'checklist_id', x.checklist_id`)},
    'items', ${all('checklist_items', " AND x.status <> 'open'", 'x.item_id')},
    'jobs', ${some('jobs', ' AND x.done_at IS NULL', 'x.due_at', `'id', x.id, 'kind', x.kind, 'due_at', x.due_at, 'data', x.data, 'lease_owner', x.lease_owner`)},
    'postmortem', (SELECT to_json(x) FROM postmortems x WHERE ${OF_INCIDENT}),
    'followups', ${all('followups', '', 'x.seq')},
    'actions', ${all('action_requests', '', 'x.seq')},
    'messages', ${all('room_messages', '', 'x.shows, x.part')}
  ) AS state
  FROM incidents i WHERE ${where}`;

/** $1 the incident id, $2 the workspace id; no row when the incident is not the workspace's. */
export const LOAD_STATE_SQL = loadState('i.id = $1::uuid AND i.workspace_id = $2::uuid');

/** $1 the room id, $2 the workspace id: the incident of a room. */
export const LOAD_ROOM_STATE_SQL = loadState('i.room_id = $1 AND i.workspace_id = $2::uuid');

/** $1 incident ids, $2 their workspace ids, pairwise: each incident only if it is its workspace's. */
export const LOAD_STATES_SQL = loadState('i.id = ANY($1::uuid[]) AND (i.id, i.workspace_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))');

/**
 * Timestamp and date fields come back from JSON as strings. The schema names every one of them
 * `…At`, `…On`, `at` or `leaseUntil`.
 */
const isDate = (field: string) => field === 'at' || field === 'leaseUntil' || /[a-z](At|On)$/.test(field);

/** Each column's field name and whether it is a date, worked out once: the schema's columns are few. */
const fields = new Map<string, { name: string; date: boolean }>();
function fieldOf(column: string) {
  let f = fields.get(column);
  if (!f) {
    const name = column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    fields.set(column, (f = { name, date: isDate(name) }));
  }
  return f;
}

/** A row of to_json() in Prisma's shape: camelCase fields, dates as Date (JSON values left alone). */
function row<T>(json: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const k in json) {
    const f = fieldOf(k);
    const v = json[k];
    out[f.name] = f.date && typeof v === 'string' ? new Date(v) : v;
  }
  return out as T;
}

type Rows = { [K in 'roles' | 'checklists' | 'items' | 'jobs' | 'followups' | 'actions' | 'messages']: Record<string, unknown>[] };
export type Loaded = Rows & { incident: Record<string, unknown>; postmortem: Record<string, unknown> | null };

/** The statement's JSON as the row Prisma's include would have returned. */
export function stateRow<R>(json: Loaded): R {
  const rows = (k: keyof Rows) => json[k].map((r) => row(r));
  return {
    ...row<object>(json.incident),
    roles: rows('roles'),
    checklists: rows('checklists'),
    items: rows('items'),
    jobs: rows('jobs'),
    postmortem: json.postmortem ? row(json.postmortem) : null,
    followups: rows('followups'),
    actions: rows('actions'),
    messages: rows('messages'),
  } as unknown as R;
}
