import type { GatewayContext } from '../context.js';
import type { ProjectIdentity } from '../datasources/gitlab-data.js';
import { badUserInput } from '../errors.js';
import { CONNECTION_EXTENSIONS, MAX_PER_PAGE, resolveOffsetConnection } from '../offset-pagination.js';
import { builder } from './builder.js';
import { parseProjectKey } from '../global-id.js';
import { nodeObject } from './node.js';
import { AgentRef, ProjectRef, projectRef } from './refs.js';
import type { ProjectShape } from './refs.js';

/**
 * A field of the project's identity. When an agent response already carried
 * it (the usual case), the value is returned as is rather than as a promise:
 * a list of agents each with `project { fullPath }` then resolves in one pass.
 */
function identity<K extends keyof ProjectIdentity>(key: K) {
  return (project: ProjectShape, _args: object, { gitlab }: GatewayContext): ProjectIdentity[K] | Promise<ProjectIdentity[K]> => {
    const known = gitlab.knownProject(project.key);
    return known ? known[key] : gitlab.project(project.key).then((identity) => identity[key]);
  };
}

const databaseId = identity('id');

nodeObject(ProjectRef, 'Project', {
  description: 'A GitLab project, where agents are registered.',
  id: (project, context) => {
    const id = databaseId(project, {}, context);
    return typeof id === 'number' ? { projectId: id } : id.then((projectId) => ({ projectId }));
  },
  load: async ({ projectId }, { gitlab }) => projectRef((await gitlab.project(projectId)).id),
  /** A reference to a project that GitLab does not show the caller resolves to null, with the error. */
  entity: (ref) =>
    builder.asEntity(ref, {
      key: [builder.selection<{ id: string }>('id'), builder.selection<{ fullPath: string }>('fullPath')],
      resolveReference: async (reference, { gitlab }) => {
        const key = 'id' in reference ? parseProjectKey(reference.id) : parseProjectKey(reference.fullPath, 'fullPath');
        await gitlab.project(key);
        return projectRef(key);
      },
    }),
  fields: (t) => ({
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
      resolve: async (project, _args, { gitlab }) => (await gitlab.projectDetails(project.key)).webUrl,
    }),
    agents: t.connection(
      {
        type: AgentRef,
        // A failed list is null here, with its error at this path: the project's other fields survive it.
        nullable: true,
        extensions: CONNECTION_EXTENSIONS,
        description: `The agents registered with this project, by name as GitLab orders them. At most ${MAX_PER_PAGE} per window; \`totalCount\` alone costs one one-row call.`,
        resolve: (project, args, { gitlab }, info) => resolveOffsetConnection(args, info, (page) => gitlab.agentPage(project.key, page)),
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
      resolve: async (project, { databaseId, name }, { gitlab }) => {
        if ((databaseId == null) === (name == null)) throw badUserInput('Give exactly one of databaseId and name');
        return databaseId != null ? gitlab.findAgent(project.key, databaseId) : gitlab.findAgentByName(project.key, name!);
      },
    }),
  }),
});
