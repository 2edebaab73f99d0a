import type { Agent, AgentToken, ProjectKey, UrlConfiguration } from '../datasources/gitlab-data.js';
import { builder } from './builder.js';

/**
 * Every object type's ref, declared before any is implemented, so that the
 * type modules can name one another's types without importing one another.
 */

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
export const AgentRef = builder.objectRef<Agent>('Agent');
export const AgentTokenRef = builder.objectRef<AgentToken>('AgentToken');
export const UrlConfigurationRef = builder.objectRef<UrlConfiguration>('UrlConfiguration');
