import { badUserInput } from '../errors.js';
import type { GatewayContext } from '../context.js';
import type { ProjectIdentity, ProjectKey } from '../datasources/models.js';
import { isMissingRecord, orNull } from '../datasources/not-found.js';
import { MAX_PER_PAGE } from '../datasources/page-plan.js';
import { builder } from './builder.js';
import { decodeGlobalId, idParts, withArticle } from './global-id.js';
import { nodeId } from './node-id.js';
import { AgentRef } from './agent.js';
import { resolveOffsetConnection } from './offset-connection.js';

/**
 * A project as the caller named it. Nothing is fetched until a field needs
 * it, and then agent responses (which embed the project) usually already
 * have: `project(id: "g/p") { agents { ... } }` costs no project call.
 */
export interface ProjectShape {
  kind: 'Project';
  key: ProjectKey;
}

export const projectRef = (key: ProjectKey): ProjectShape => ({ kind: 'Project', key });

export const ProjectRef = builder.objectRef<ProjectShape>('Project');

/**
 * A field of the project's identity. When an agent response already carried
 * it (the usual case), the value is returned as is rather than as a promise:
 * a list of agents each with `project { fullPath }` then resolves in one pass.
 */
function identity<K extends keyof ProjectIdentity>(key: K) {
  return (project: ProjectShape, _args: object, { loaders }: GatewayContext): ProjectIdentity[K] | Promise<ProjectIdentity[K]> => {
    const known = loaders.knownProjectIdentity(project.key);
    return known ? known[key] : loaders.projectIdentity(project.key).then((identity) => identity[key]);
  };
}

/** `Query.project(id:)` takes a global ID, a numeric id or a full path. */
export function parseProjectKey(id: string, argument = 'id'): ProjectKey {
  const invalid = () =>
    badUserInput(`${argument} must be a Project ID, a numeric project id or a full path such as "group/project"`, { argument });
  if (/^\d{1,15}$/.test(id)) return Number(id);
  if (id.includes('/')) {
    const path = id.replace(/^\/+|\/+$/g, '');
    if (!path.includes('/') || path.split('/').includes('')) throw invalid();
    return path;
  }
  let decoded: ReturnType<typeof decodeGlobalId>;
  try {
    decoded = decodeGlobalId(id);
  } catch {
    throw invalid();
  }
  if (decoded.typename !== 'Project') {
    throw badUserInput(`${argument} must identify a Project, but "${id}" is the ID of ${withArticle(decoded.typename)}`, { argument });
  }
  return idParts('Project', decoded.id).projectId;
}

const databaseId = identity('id');

builder.objectType(ProjectRef, {
  description: 'A GitLab project, where agents are registered.',
  interfaces: [builder.nodeInterfaceRef()],
  isTypeOf: (value) => (value as { kind?: unknown }).kind === 'Project',
  fields: (t) => ({
    id: t.id({ description: 'Opaque global ID.', resolve: nodeId('Project', (project, context) => databaseId(project, {}, context)) }),
    databaseId: t.int({ description: "GitLab's numeric project id.", resolve: databaseId }),
    name: t.string({ description: 'The project\'s display name.', resolve: identity('name') }),
    path: t.string({ description: 'The last segment of the full path.', resolve: identity('path') }),
    fullPath: t.string({ description: 'The path with its namespace (`path_with_namespace`), e.g. `group/sub/project`.', resolve: identity('fullPath') }),
    nameWithNamespace: t.string({ description: 'The display name with its namespace\'s, e.g. `Group / Sub / Project`.', resolve: identity('nameWithNamespace') }),
    description: t.string({ nullable: true, description: 'The project\'s description, if it has one.', resolve: identity('description') }),
    createdAt: t.field({ type: 'DateTime', description: 'When the project was created.', resolve: identity('createdAt') }),
    webUrl: t.string({
      nullable: true,
      description: 'Only `GET /projects/:id` has it: selecting it costs that call.',
      resolve: async (project, _args, { loaders }) => (await loaders.projectDetails.load(project.key)).webUrl,
    }),
    agents: t.connection(
      {
        type: AgentRef,
        // A failed list is null here, with its error at this path: the project's other fields survive it.
        nullable: true,
        description: `The agents registered with this project, by name as GitLab orders them. At most ${MAX_PER_PAGE} per window; \`totalCount\` alone costs one one-row call.`,
        resolve: (project, args, { loaders }, info) =>
          resolveOffsetConnection(args, info, (page) => loaders.agentPages.load({ project: project.key, ...page })),
      },
      {
        name: 'AgentConnection',
        description: "A window of a project's agents.",
        fields: (c) => ({
          totalCount: c.int({ nullable: true, description: "The number of agents (GitLab's `X-Total`); null when GitLab omits it.", resolve: (conn) => conn.totalCount }),
        }),
      },
      { name: 'AgentEdge', description: 'An agent and its cursor.' },
    ),
    agent: t.field({
      type: AgentRef,
      nullable: true,
      description: 'One agent of this project, by numeric id or by name; null when there is none.',
      args: {
        databaseId: t.arg.int({ required: false, description: "GitLab's numeric agent id (`Agent.databaseId`)." }),
        name: t.arg.string({ required: false, description: 'The agent\'s name (`Agent.name`).' }),
      },
      resolve: async (project, { databaseId, name }, { loaders }) => {
        if ((databaseId == null) === (name == null)) throw badUserInput('Give exactly one of databaseId and name');
        if (databaseId != null) {
          const agent = await orNull(loaders.agent.load({ project: loaders.knownProjectId(project.key) ?? project.key, agentId: databaseId }), isMissingRecord);
          return agent && (name == null || agent.name === name) ? agent : null;
        }
        return loaders.agentByName(project.key, name!);
      },
    }),
  }),
});

builder.queryField('project', (t) =>
  t.field({
    type: ProjectRef,
    nullable: true,
    description:
      'A project by global ID, numeric GitLab id ("20") or full path ("group/sub/project"). Null, with an error carrying `extensions.code`, when GitLab says it does not exist or the caller may not see it.',
    args: { id: t.arg.id({ required: true, description: 'A `Project.id`, a numeric project id or a full path.' }) },
    resolve: (_root, { id }) => projectRef(parseProjectKey(String(id))),
  }),
);

/** A reference to a project that GitLab does not show the caller resolves to null, with the error. */
builder.asEntity(ProjectRef, {
  key: [builder.selection<{ id: string }>('id'), builder.selection<{ fullPath: string }>('fullPath')],
  resolveReference: async (reference, { loaders }) => {
    const key = 'id' in reference ? parseProjectKey(reference.id) : parseProjectKey(reference.fullPath, 'fullPath');
    await loaders.projectIdentity(key);
    return projectRef(key);
  },
});
