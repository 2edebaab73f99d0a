import { builder } from './builder.js';
import { parseProjectKey } from '../global-id.js';
import { loadNode } from './node.js';
import { ProjectRef, projectRef } from './refs.js';

/** The graph's entry points; `node` and `nodes` are not the relay plugin's, as one malformed ID must not fail the whole list. */
builder.queryFields((t) => ({
  project: t.field({
    type: ProjectRef,
    nullable: true,
    description:
      'A project by global ID, numeric GitLab id ("20") or full path ("group/sub/project"). Null, with an error carrying `extensions.code`, when GitLab says it does not exist or the caller may not see it.',
    args: { id: t.arg.id({ required: true, description: 'A `Project.id`, a numeric project id or a full path.' }) },
    resolve: (_root, { id }) => projectRef(parseProjectKey(String(id))),
  }),
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Any object by its global ID. Null, with an error, when GitLab has no such object for the caller.',
    args: { id: t.arg.id({ required: true, description: 'A global ID any object of this API handed out.' }) },
    resolve: (_root, { id }, context) => loadNode(String(id), context),
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: 'Objects by global ID, in the order asked. Each one that cannot be loaded is null, with its own error; the rest are unaffected.',
    args: { ids: t.arg.idList({ required: true, description: 'Global IDs, at most MAX_NODE_IDS (100 by default) per request.' }) },
    resolve: (_root, { ids }, context) => ids.map((id) => loadNode(String(id), context)),
  }),
}));
