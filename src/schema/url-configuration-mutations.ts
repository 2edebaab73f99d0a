import { globalIdOf, parseGlobalId } from '../global-id.js';
import { mutation } from './mutation.js';
import { UrlConfigurationRef } from './refs.js';

mutation('createUrlConfiguration', {
  description:
    'Makes an agent receptive: GitLab connects to it at `url` (Maintainer; one configuration per agent). `POST /projects/:id/cluster_agents/:agent_id/url_configurations`.',
  input: {
    description: 'Certificates and the key are PEM text. Without a client certificate and key, GitLab generates a key pair and uses JWT.',
    argument: 'The agent, its URL and, for mTLS, the certificates.',
    fields: (t) => ({
      agentId: t.id({ required: true, description: 'The `Agent.id` to configure.' }),
      url: t.string({ required: true, description: 'The agent endpoint: `grpc://host:port` or `grpcs://host:port`.' }),
      clientCert: t.string({ required: false, description: 'PEM client certificate; with `clientKey`, mTLS.' }),
      clientKey: t.string({ required: false, description: 'PEM private key of `clientCert`. Write-only: never returned, stored or logged by the gateway.' }),
      caCert: t.string({ required: false, description: 'PEM CA certificate that verifies the agent endpoint.' }),
      tlsHost: t.string({ required: false, description: 'Server name to verify on the agent endpoint.' }),
    }),
  },
  write: ({ agentId, ...config }, { gitlab }) => gitlab.createUrlConfiguration(parseGlobalId(String(agentId), 'Agent', 'agentId'), config),
  outputs: (urlConfiguration) => ({ urlConfiguration }),
  payload: {
    description: 'What `createUrlConfiguration` answers.',
    fields: (t) => ({
      urlConfiguration: t.expose('urlConfiguration', { type: UrlConfigurationRef, nullable: true, description: 'The new configuration; null when `errors` is not empty.' }),
    }),
  },
  attributes: { url: 'url', client_cert: 'clientCert', client_key: 'clientKey', ca_cert: 'caCert', tls_host: 'tlsHost', agent: 'agentId' },
  howToCheck: (input) => `query node(id: "${input.agentId}") { ... on Agent { urlConfiguration { id } } } to see whether it exists`,
});

mutation('deleteUrlConfiguration', {
  description: 'Deletes an agent\'s URL configuration (Maintainer). `DELETE /projects/:id/cluster_agents/:agent_id/url_configurations/:url_configuration_id`.',
  input: {
    description: 'The URL configuration to delete.',
    argument: 'The configuration.',
    fields: (t) => ({ id: t.id({ required: true, description: 'The `UrlConfiguration.id` to delete.' }) }),
  },
  write: (input, { gitlab }) => gitlab.deleteUrlConfiguration(parseGlobalId(String(input.id), 'UrlConfiguration', 'id')),
  outputs: (config) => ({ deletedUrlConfigurationId: globalIdOf('UrlConfiguration', config) }),
  payload: {
    description: 'What `deleteUrlConfiguration` answers.',
    fields: (t) => ({
      deletedUrlConfigurationId: t.exposeID('deletedUrlConfigurationId', {
        nullable: true,
        description: 'The `UrlConfiguration.id` that was deleted; null when `errors` is not empty.',
      }),
    }),
  },
  howToCheck: (input) => `query node(id: "${input.id}") to see whether it still exists`,
});
