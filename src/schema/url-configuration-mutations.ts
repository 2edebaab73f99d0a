import type { UrlConfiguration } from '../datasources/models.js';
import { isBlank, urlConfigurationProblems } from '../datasources/gitlab-rules.js';
import { builder } from './builder.js';
import { globalIdOf, parseGlobalId } from './global-id.js';
import { UrlConfigurationRef } from './url-configuration.js';
import { USER_ERRORS_FIELD, rejected, runWrite } from './user-error.js';
import type { UserErrorShape } from './user-error.js';

const CreateUrlConfigurationInput = builder.inputType('CreateUrlConfigurationInput', {
  description: 'Certificates and the key are PEM text. Without a client certificate and key, GitLab generates a key pair and uses JWT.',
  fields: (t) => ({
    agentId: t.id({ required: true, description: 'The `Agent.id` to configure.' }),
    url: t.string({ required: true, description: 'The agent endpoint: `grpc://host:port` or `grpcs://host:port`.' }),
    clientCert: t.string({ required: false, description: 'PEM client certificate; with `clientKey`, mTLS.' }),
    clientKey: t.string({ required: false, description: 'PEM private key of `clientCert`. Write-only: never returned, stored or logged by the gateway.' }),
    caCert: t.string({ required: false, description: 'PEM CA certificate that verifies the agent endpoint.' }),
    tlsHost: t.string({ required: false, description: 'Server name to verify on the agent endpoint.' }),
  }),
});

const CreateUrlConfigurationPayload = builder
  .objectRef<{ urlConfiguration: UrlConfiguration | null; errors: UserErrorShape[] }>('CreateUrlConfigurationPayload')
  .implement({
    description: 'What `createUrlConfiguration` answers.',
    fields: (t) => ({
      urlConfiguration: t.expose('urlConfiguration', { type: UrlConfigurationRef, nullable: true, description: 'The new configuration; null when `errors` is not empty.' }),
      errors: t.expose('errors', USER_ERRORS_FIELD),
    }),
  });

const DeleteUrlConfigurationInput = builder.inputType('DeleteUrlConfigurationInput', {
  description: 'The URL configuration to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The `UrlConfiguration.id` to delete.' }) }),
});

const DeleteUrlConfigurationPayload = builder
  .objectRef<{ deletedUrlConfigurationId: string | null; errors: UserErrorShape[] }>('DeleteUrlConfigurationPayload')
  .implement({
    description: 'What `deleteUrlConfiguration` answers.',
    fields: (t) => ({
      deletedUrlConfigurationId: t.exposeID('deletedUrlConfigurationId', { nullable: true, description: 'The `UrlConfiguration.id` that was deleted; null when `errors` is not empty.' }),
      errors: t.expose('errors', USER_ERRORS_FIELD),
    }),
  });

/** GitLab stores blank optional strings as null (`nullify_if_blank`); so does the gateway, before checking them. */
const blankToNull = (value: string | null | undefined): string | null => (value == null || isBlank(value) ? null : value);

builder.mutationFields((t) => ({
  createUrlConfiguration: t.field({
    type: CreateUrlConfigurationPayload,
    description:
      'Makes an agent receptive: GitLab connects to it at `url` (Maintainer; one configuration per agent). `POST /projects/:id/cluster_agents/:agent_id/url_configurations`.',
    args: { input: t.arg({ type: CreateUrlConfigurationInput, required: true, description: 'The agent, its URL and, for mTLS, the certificates.' }) },
    resolve: async (_root, { input }, { loaders }) => {
      const { projectId, agentId } = parseGlobalId(String(input.agentId), 'Agent', 'agentId');
      const config = {
        url: input.url,
        clientCert: blankToNull(input.clientCert),
        // Not blanked: GitLab picks certificate mode on any given key (`if params[:client_key]`), "" included.
        clientKey: input.clientKey ?? null,
        caCert: blankToNull(input.caCert),
        tlsHost: blankToNull(input.tlsHost),
      };
      const fields = { url: 'url', client_cert: 'clientCert', client_key: 'clientKey', ca_cert: 'caCert', tls_host: 'tlsHost', agent: 'agentId' } as const;
      const outcome =
        rejected(urlConfigurationProblems(config), fields) ??
        (await runWrite(
          'createUrlConfiguration',
          () => loaders.api.createUrlConfiguration(projectId, agentId, config),
          fields,
          `query node(id: "${input.agentId}") { ... on Agent { urlConfiguration { id } } } to see whether it exists`,
        ));
      if (outcome.ok) {
        loaders.urlConfigurations.prime({ projectId, agentId }, [outcome.ok]);
        loaders.urlConfiguration.prime({ projectId, agentId, id: outcome.ok.id }, outcome.ok);
      }
      return { urlConfiguration: outcome.ok, errors: outcome.errors };
    },
  }),
  deleteUrlConfiguration: t.field({
    type: DeleteUrlConfigurationPayload,
    description: 'Deletes an agent\'s URL configuration (Maintainer). `DELETE /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id`.',
    args: { input: t.arg({ type: DeleteUrlConfigurationInput, required: true, description: 'The configuration.' }) },
    resolve: async (_root, { input }, { loaders }) => {
      const key = parseGlobalId(String(input.id), 'UrlConfiguration', 'id');
      const outcome = await runWrite(
        'delete',
        () => loaders.api.deleteUrlConfiguration(key.projectId, key.agentId, key.id),
        {},
        `query node(id: "${input.id}") to see whether it still exists`,
      );
      return { deletedUrlConfigurationId: outcome.errors.length ? null : globalIdOf('UrlConfiguration', key), errors: outcome.errors };
    },
  }),
}));
