/** W3C Trace Context `traceparent`: version-traceId-parentId-flags, lower-case hex. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
/** One `tracestate` list member: a simple or a multi-tenant key, `=`, a value of printable ASCII but `,` and `=`, not ending in a space. */
const TRACESTATE_MEMBER = /^([a-z][a-z0-9_*/-]{0,255}|[a-z0-9][a-z0-9_*/-]{0,240}@[a-z][a-z0-9_*/-]{0,13})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** What the specification asks every participant to pass on, at least; a longer header is dropped, not cut. */
const MAX_TRACESTATE_LENGTH = 512;
const MAX_TRACESTATE_MEMBERS = 32;

/** The trace context GitLab gets on each REST call. */
export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

/**
 * The caller's trace context, when it is one GitLab can join: version `ff`
 * and all-zero ids are invalid by the spec, and anything else is dropped
 * rather than passed on, since it would be forwarded on every REST call.
 * Its `tracestate` goes with it only when it is valid as a whole.
 */
export function forwardableTraceContext(headers: Pick<Headers, 'get'>): TraceHeaders | undefined {
  const traceparent = headers.get('traceparent');
  const parts = traceparent === null ? null : TRACEPARENT.exec(traceparent);
  if (!parts) return undefined;
  const [, version, traceId, parentId] = parts;
  if (version === 'ff' || /^0+$/.test(traceId!) || /^0+$/.test(parentId!)) return undefined;
  const state = forwardableTracestate(headers.get('tracestate'));
  return state === undefined ? { traceparent: traceparent! } : { traceparent: traceparent!, tracestate: state };
}

/**
 * A `tracestate` of at most 32 well-formed members with distinct keys
 * (empty members allowed, as the spec allows them), within 512 characters.
 * A repeated header arrives joined with ", ", which is the same list.
 */
function forwardableTracestate(header: string | null): string | undefined {
  if (header === null || header.length > MAX_TRACESTATE_LENGTH) return undefined;
  const keys = new Set<string>();
  for (const raw of header.split(',')) {
    const member = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (member === '') continue;
    const match = TRACESTATE_MEMBER.exec(member);
    if (!match || keys.has(match[1]!) || keys.size === MAX_TRACESTATE_MEMBERS) return undefined;
    keys.add(match[1]!);
  }
  return keys.size === 0 ? undefined : header;
}
