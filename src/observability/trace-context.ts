/** W3C Trace Context `traceparent`: version-traceId-parentId-flags, lower-case hex. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * The caller's `traceparent`, when it is one GitLab can join: version `ff`
 * and all-zero ids are invalid by the spec, and anything else is dropped
 * rather than passed on, since it would be forwarded on every REST call.
 */
export function forwardableTraceparent(header: string | null): string | undefined {
  const parts = header === null ? null : TRACEPARENT.exec(header);
  if (!parts) return undefined;
  const [, version, traceId, parentId] = parts;
  if (version === 'ff' || /^0+$/.test(traceId!) || /^0+$/.test(parentId!)) return undefined;
  return header!;
}
